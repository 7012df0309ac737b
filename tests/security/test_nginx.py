"""docker/nginx.conf: what a client says about the scheme and the host is never passed on to Django.

Django trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and X-Forwarded-Host (USE_X_FORWARDED_HOST)
in production: passed on as sent, a client over plain HTTP could pose as HTTPS or pick the host that
links in e-mails are built with. nginx overwrites both, and takes them only from the TLS proxy in front.
"""

import re
from pathlib import Path

CONFIG = (Path(__file__).resolve().parents[2] / "docker" / "nginx.conf").read_text()
LINES = [line.split("#", 1)[0].strip() for line in CONFIG.splitlines()]
DIRECTIVES = "\n".join(LINES)  # the configuration without its comments


def _block(start: str) -> list[str]:
    """The lines of the block that opens with `start` (a map or geo), without its braces."""
    index = next(i for i, line in enumerate(LINES) if line.startswith(start) and line.endswith("{"))
    body = []
    for line in LINES[index + 1 :]:
        if line == "}":
            return body
        if line:
            body.append(line)
    raise AssertionError(f"unclosed block {start}")


def test_every_proxied_location_sets_the_forwarded_headers_from_nginx_own_variables():
    headers = re.findall(r"proxy_set_header\s+(X-Forwarded-(?:Proto|Host))\s+(\S+);", DIRECTIVES)
    assert sorted({name for name, _value in headers}) == ["X-Forwarded-Host", "X-Forwarded-Proto"]
    assert len(headers) == 2 * DIRECTIVES.count("proxy_pass ")
    for _name, value in headers:
        assert not value.startswith("$http_"), value  # never the client's header as sent
        assert value in ("$forwarded_proto", "$forwarded_host")


def test_a_client_header_is_overwritten_unless_it_comes_from_a_trusted_proxy():
    trusted = _block("geo $from_trusted_proxy")
    assert trusted[0] == "default 0;"
    assert all(line.startswith(("127.", "::1")) for line in trusted[1:])  # only the local TLS proxy by default
    proto = _block('map "$from_trusted_proxy:$http_x_forwarded_proto" $forwarded_proto')
    host = _block('map "$from_trusted_proxy:$http_x_forwarded_host" $forwarded_host')
    assert proto[0] == "default $scheme;" and host[0] == "default $http_host;"
    assert all(line.startswith(('"~^1:', "default")) for line in proto + host)  # values only from "1:" (trusted)
