"""GET a JSON document from an outside service, with a timeout, a size cap and a readable failure.

urllib (standard library) rather than a third-party client: one GET with a query string is all the
outside services need. The timeout bounds each socket wait and a deadline bounds the whole answer,
so a server sending one byte at a time cannot hold a request thread for longer than the timeout.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

USER_AGENT = "PTCE-Portal (+https://github.com/ptce-portal)"
CHUNK = 64 * 1024


class ServiceDown(Exception):
    """An outside service could not answer; `message` says so to a person, in the active language."""

    def __init__(self, message: str, *, service: str = "", reason: str = ""):
        super().__init__(message)
        self.message = message
        self.service = service
        self.reason = reason  # for the logs and tests: refused, timeout, busy, error, too_big, not_json

    def __str__(self):
        return self.message


def _down(service: str, reason: str) -> ServiceDown:
    if reason == "busy":
        message = _("%(service)s receives too many requests at the moment: try again in a minute.")
    else:
        message = _(
            "%(service)s does not answer at the moment: try again in a few minutes, or fill in the form by hand."
        )
    return ServiceDown(message % {"service": service}, service=service, reason=reason)


def _read_capped(response, limit: int, deadline: float) -> bytes:
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("answer slower than the timeout")
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise OverflowError(f"answer larger than {limit} bytes")
        chunks.append(chunk)


def get_json(url: str, params: dict | None = None, *, service: str) -> dict:
    """The JSON object at `url` (with `params` as its query string); {} when the service answers 404.

    `service` names the service for the person reading the message (“The company register”).
    Raises ServiceDown on a refused connection, a timeout, 429, a 5xx (or any other error status),
    an answer larger than OUTSIDE_SERVICES_MAX_BYTES, or one that is not a JSON object.
    """
    timeout = settings.OUTSIDE_SERVICES_TIMEOUT
    limit = settings.OUTSIDE_SERVICES_MAX_BYTES
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"An outside service is reached over HTTP(S), not {url!r}")
    full_url = f"{url}?{urlencode(params)}" if params else url
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    request = urllib.request.Request(full_url, headers=headers)  # noqa: S310 - the scheme is checked above
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked above
            body = _read_capped(response, limit, started + timeout)
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
        if status == 404:
            return {}
        logger.warning("%s answered HTTP %s to %s", service, status, url)
        raise _down(service, "busy" if status == 429 else "error") from None
    except TimeoutError as error:
        logger.warning("%s did not answer within %s s (%s): %s", service, timeout, url, error)
        raise _down(service, "timeout") from None
    except OverflowError as error:
        logger.warning("%s sent too big an answer (%s): %s", service, url, error)
        raise _down(service, "too_big") from None
    except urllib.error.URLError as error:
        reason = "timeout" if isinstance(error.reason, TimeoutError) else "refused"
        logger.warning("%s cannot be reached (%s): %s", service, url, error.reason)
        raise _down(service, reason) from None
    except (HTTPException, OSError) as error:  # a connection reset, a malformed status line…
        logger.warning("%s broke the connection (%s): %s", service, url, error)
        raise _down(service, "error") from None
    try:
        document = json.loads(body)
    except ValueError:
        logger.warning("%s answered something that is not JSON (%s)", service, url)
        raise _down(service, "not_json") from None
    if not isinstance(document, dict):
        logger.warning("%s answered JSON that is not an object (%s)", service, url)
        raise _down(service, "not_json")
    return document
