"""The identity provider's settings, registry records ``imio.eguichet.identity.*``.

The client secret is never a record: a record names the environment variable or
the file that holds it.
"""

from pathlib import Path
from plone.registry.interfaces import IRegistry
from zope import schema
from zope.component import queryUtility
from zope.interface import Interface

import os


PREFIX = "imio.eguichet.identity"

# Our names -> FAS's claim names (FAS releases them in its userinfo JWT).
DEFAULT_CLAIMS = {
    "given_name": "givenName",
    "family_name": "surname",
    "email": "mail",
    "language": "prefLanguage",
    "national_number": "egovNRN",
}
DEFAULT_ACR_PREFIX = "urn:be:fedict:iam:fas:citizen:Level"
DEFAULT_SCOPES = "openid profile egovnrn"


class IIdentitySettings(Interface):
    """How the site signs citizens in with OpenID Connect."""

    issuer = schema.TextLine(
        title="Issuer of the identity provider",
        description="Empty: citizens sign in with Plone's login form.",
        required=False,
        default="",
    )
    client_id = schema.TextLine(
        title="Client id of this site at the provider",
        required=False,
        default="",
    )
    client_secret_env = schema.ASCIILine(
        title="Environment variable holding the client secret",
        required=False,
        default="",
    )
    client_secret_file = schema.TextLine(
        title="File holding the client secret",
        required=False,
        default="",
    )
    session_minutes = schema.Int(
        title="Lifetime of a citizen's session, in minutes",
        min=1,
        default=60,
    )
    claims = schema.Dict(
        title="Claims of the provider for each of our names",
        key_type=schema.TextLine(),
        value_type=schema.TextLine(),
        default=DEFAULT_CLAIMS,
    )
    acr_prefix = schema.TextLine(
        title="Assurance level values: this prefix and the level (100 to 450)",
        default=DEFAULT_ACR_PREFIX,
    )
    scopes = schema.TextLine(
        title="Scopes asked of the provider",
        default=DEFAULT_SCOPES,
    )


def get_settings() -> IIdentitySettings | None:
    """The site's settings, None where the records are not installed."""
    registry = queryUtility(IRegistry)
    if registry is None:
        return None
    try:
        return registry.forInterface(IIdentitySettings, prefix=PREFIX)
    except KeyError:
        return None


def session_minutes() -> int:
    settings = get_settings()
    return settings.session_minutes if settings is not None else 60


def is_configured() -> bool:
    """Whether citizens sign in with the identity provider."""
    settings = get_settings()
    return bool(settings is not None and settings.issuer and settings.client_id)


class SecretUnavailable(Exception):
    """The client secret's variable or file is missing or empty."""


def client_secret(settings: IIdentitySettings) -> str:
    """The client secret, read at each use from its variable or file."""
    if settings.client_secret_env:
        secret = os.environ.get(settings.client_secret_env, "")
    elif settings.client_secret_file:
        try:
            secret = Path(settings.client_secret_file).read_text(encoding="utf-8")
        except OSError as error:
            raise SecretUnavailable(settings.client_secret_file) from error
    else:
        secret = ""
    secret = secret.strip()
    if not secret:
        raise SecretUnavailable(
            settings.client_secret_env or settings.client_secret_file
        )
    return secret
