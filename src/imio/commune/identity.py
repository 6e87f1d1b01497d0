"""The ``identity`` answer: where the site's citizens sign in (OpenID Connect).

It becomes the registry records ``imio.eguichet.identity.*``. The client
secret never does: the answer names the environment variable or the file
holding it, read by the instance at each sign-in.
"""

from imio.eguichet.identity.settings import DEFAULT_ACR_PREFIX
from imio.eguichet.identity.settings import DEFAULT_CLAIMS
from imio.eguichet.identity.settings import DEFAULT_SCOPES
from imio.eguichet.identity.settings import PREFIX
from ipaddress import ip_address
from plone import api
from urllib.parse import urlsplit


SESSION_MINUTES = 60
LOOPBACK_HOSTS = ("localhost",)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def issuer_problem(issuer: str) -> str | None:
    parts = urlsplit(issuer)
    if not parts.hostname or parts.query or parts.fragment:
        return f"{issuer!r} n'est pas l'adresse d'un fournisseur d'identité."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and _is_loopback(parts.hostname):
        return None
    return (
        f"{issuer} doit être en https (http seulement pour un fournisseur de "
        "développement sur cette machine : 127.0.0.1 ou localhost)."
    )


def identity_problem(answers: dict) -> tuple[str, str] | None:
    """The field and the reason, in French, if the ``identity`` answer is unusable."""
    identity = answers.get("identity")
    if identity is None:
        return None
    if not isinstance(identity, dict):
        return "identity", "doit être un dictionnaire (issuer, client_id...)."
    for field in ("issuer", "client_id"):
        if not isinstance(identity.get(field), str) or not identity[field].strip():
            return f"identity.{field}", "est obligatoire."
    problem = issuer_problem(identity["issuer"])
    if problem:
        return "identity.issuer", problem
    sources = [
        name
        for name in ("client_secret_env", "client_secret_file")
        if identity.get(name)
    ]
    if len(sources) != 1:
        return "identity", (
            "indiquez où l'instance lit le secret du client : soit "
            "client_secret_env (une variable d'environnement), soit "
            "client_secret_file (un fichier), pas les deux ; jamais le secret "
            "lui-même."
        )
    minutes = identity.get("session_minutes", SESSION_MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        return "identity.session_minutes", "doit être un nombre de minutes (1 ou plus)."
    claims = identity.get("claims", {})
    unknown = (
        sorted(set(claims) - set(DEFAULT_CLAIMS)) if isinstance(claims, dict) else []
    )
    if not isinstance(claims, dict) or unknown:
        names = ", ".join(DEFAULT_CLAIMS)
        return "identity.claims", f"ne connaît que {names}."
    return None


def identity_settings(answers: dict) -> dict:
    """The registry values of the answers; without ``identity``, no provider."""
    identity = answers.get("identity") or {}
    return {
        "issuer": identity.get("issuer", "").strip(),
        "client_id": identity.get("client_id", "").strip(),
        "client_secret_env": identity.get("client_secret_env") or "",
        "client_secret_file": identity.get("client_secret_file") or "",
        "session_minutes": identity.get("session_minutes", SESSION_MINUTES),
        "claims": {**DEFAULT_CLAIMS, **identity.get("claims", {})},
        "acr_prefix": identity.get("acr_prefix") or DEFAULT_ACR_PREFIX,
        "scopes": identity.get("scopes") or DEFAULT_SCOPES,
    }


def apply_identity(answers: dict, changes: list[str]) -> None:
    for name, value in identity_settings(answers).items():
        record = f"{PREFIX}.{name}"
        if api.portal.get_registry_record(record) != value:
            api.portal.set_registry_record(record, value)
            changes.append(record)
