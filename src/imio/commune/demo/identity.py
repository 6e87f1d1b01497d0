"""The demo's identity provider: what `make start` gives it and the instance.

The development OpenID provider (dev/oidc-provider, like FAS) and the demo
instance share a client secret generated once into ``var/oidc-demo-secret``.
The provider listens on 127.0.0.1, port 8081 by default: the issuer of
``identity`` in profiles/demo.yaml.
"""

from pathlib import Path

import secrets


CLIENT_ID = "demo"
SECRET_FILE = "oidc-demo-secret"  # noqa: S105 - a file name
SECRET_VARIABLE = "IMIO_OIDC_SECRET"  # noqa: S105 - a variable name, as in demo.yaml
OIDC_PORT = 8081
PROVIDER_SCRIPT = Path("dev") / "oidc-provider" / "server.js"


def demo_secret(var: Path) -> str:
    """The demo's client secret, generated at the first call (readable by its
    owner only)."""
    path = Path(var) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def provider_command(oidc_port: int = OIDC_PORT) -> list[str]:
    """The provider's command, run from the project's directory."""
    return ["node", str(PROVIDER_SCRIPT), str(oidc_port)]


def provider_environment(var: Path, port: int = 8080) -> dict[str, str]:
    """The provider's variables for the demo site served on ``port``."""
    sites = [f"http://{host}:{port}/demo" for host in ("localhost", "127.0.0.1")]
    return {
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": demo_secret(var),
        "OIDC_REDIRECT_URIS": " ".join(f"{site}/@@citizen-callback" for site in sites),
        "OIDC_POST_LOGOUT_REDIRECT_URIS": " ".join(sites),
    }


def instance_environment(var: Path) -> dict[str, str]:
    """The instance's variable holding the same secret."""
    return {SECRET_VARIABLE: demo_secret(var)}
