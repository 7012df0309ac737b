"""The loopback OpenID provider of the single sign-on tests: tests/oidc/provider.mjs (npm's oidc-provider)
run by Node on a free port of 127.0.0.1, with one client, the portal."""

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NODE_MODULES = ROOT / "requirements" / "js" / "node_modules"

CLIENT_ID = "portail-ptce"
CLIENT_SECRET = "secret-de-test-uniquement"  # noqa: S105 (the loopback provider's, for the tests only)
PROVIDER_ID = "proconnect"
PROVIDER_NAME = "ProConnect"
# The people provider.mjs knows, by login: (e-mail, whether the provider verified it).
ACCOUNTS = {
    "claire": ("claire.martin@example.org", True),
    "usurpateur": ("paul.girard@example.org", False),
    "agent": ("sophie.bernard@interieur.gouv.fr", None),  # ProConnect's: no email_verified at all
}


def missing_reason() -> str | None:
    """Why the provider cannot run here (no Node.js, or oidc-provider not installed), or None."""
    if not shutil.which("node"):
        return "Node.js is missing (./run test installs it)"
    if not (NODE_MODULES / "oidc-provider").is_dir():
        return "oidc-provider is missing: cd requirements/js && npm ci (./run test does it)"
    return None


def callback_path(provider_id: str = PROVIDER_ID) -> str:
    return f"/compte/oidc/{provider_id}/login/callback/"


class OidcProvider:
    """`OidcProvider(port, redirect_uris).start()`; `.issuer`, `.stop()`, `.settings()` (the portal's
    PTCE_OIDC_* variables pointing at it)."""

    def __init__(
        self,
        port: int,
        redirect_uris: list[str],
        post_logout_redirect_uris: list[str] = (),
        style: str = "",
        jwks: dict | None = None,
    ):
        self.port = port
        self.jwks = jwks  # the signing keys (a private JWK set), when a test signs as the provider
        self.issuer = f"http://127.0.0.1:{port}"
        self.redirect_uris = redirect_uris
        self.post_logout_redirect_uris = list(post_logout_redirect_uris)
        self.style = style  # "proconnect": ProConnect's claims and signed userinfo answers
        self.process = None

    def environment(self, new_accounts: bool = True) -> dict[str, str]:
        """The portal's settings (portal/settings/base.py) for this provider."""
        return {
            "PTCE_OIDC_NEW_ACCOUNTS": "1" if new_accounts else "",
            "PTCE_OIDC_PROVIDER_ID": PROVIDER_ID,
            "PTCE_OIDC_NAME": PROVIDER_NAME,
            "PTCE_OIDC_SERVER_URL": self.issuer,
            "PTCE_OIDC_CLIENT_ID": CLIENT_ID,
            "PTCE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **({"PTCE_OIDC_SCOPES": "openid,email,given_name,usual_name"} if self.style == "proconnect" else {}),
        }

    def start(self, timeout: float = 20) -> "OidcProvider":
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_REDIRECT_URIS": " ".join(self.redirect_uris),
            "OIDC_POST_LOGOUT_REDIRECT_URIS": " ".join(self.post_logout_redirect_uris),
            "OIDC_STYLE": self.style,
            **({"OIDC_JWKS": json.dumps(self.jwks)} if self.jwks else {}),
        }
        self.process = subprocess.Popen(
            ["node", str(HERE / "provider.mjs")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while True:
            try:
                opener.open(urljoin(self.issuer, "/.well-known/openid-configuration"), timeout=2).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the OpenID provider did not start:\n{self.process.stderr.read()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            for stream in (self.process.stdout, self.process.stderr):
                stream.close()
