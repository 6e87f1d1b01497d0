"""OpenID Connect with the identity provider: the authorization code flow
with PKCE, and the checks of what the provider answers.

Nothing here logs a token, a claim or a secret.
"""

from authlib.integrations.requests_client import OAuth2Session
from authlib.common.errors import AuthlibBaseError
from dataclasses import dataclass
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from urllib.parse import urlencode

import requests
import secrets
import time


TIMEOUT = 10  # seconds, for every call to the provider
ALGORITHMS = ["RS256", "PS256", "ES256"]
# Discovery and keys are read again after this, or at once for an unknown key.
CACHE_SECONDS = 3600
_cache: dict[str, tuple[float, dict]] = {}


class SignInError(Exception):
    """The provider's answer is refused, or the provider cannot be reached.

    ``reason`` names the failed check for the log; it never holds a token.
    """

    def __init__(self, reason: str, level_too_low: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.level_too_low = level_too_low


@dataclass(frozen=True)
class Client:
    """This site as a client of the provider."""

    issuer: str
    client_id: str
    redirect_uri: str
    scopes: str
    acr_prefix: str


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInError(f"unreachable: {url}") from error


def _cached(url: str, refresh: bool = False) -> dict:
    now = time.monotonic()
    found = _cache.get(url)
    if refresh or found is None or found[0] < now:
        _cache[url] = (now + CACHE_SECONDS, _get_json(url))
    return _cache[url][1]


def discovery(issuer: str) -> dict:
    metadata = _cached(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        raise SignInError("discovery names another issuer")
    return metadata


def _keys(metadata: dict, refresh: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(_cached(metadata["jwks_uri"], refresh))
    except (KeyError, ValueError, JoseError) as error:
        raise SignInError("unusable keys") from error


def acr_value(client: Client, level: int) -> str:
    return f"{client.acr_prefix}{level}"


def level_of(client: Client, acr: object) -> int:
    """The level of an ``acr`` claim, 0 if it is not one of the provider's."""
    if not isinstance(acr, str) or not acr.startswith(client.acr_prefix):
        return 0
    level = acr.removeprefix(client.acr_prefix)
    return int(level) if level.isdigit() else 0


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str
    nonce: str
    verifier: str


def authorization(client: Client, level: int, step_up: bool = False) -> Authorization:
    """Where to send the citizen, with a new state, nonce and PKCE verifier;
    a step-up asks the provider to sign the citizen in again."""
    metadata = discovery(client.issuer)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    session = OAuth2Session(
        client.client_id,
        scope=client.scopes,
        redirect_uri=client.redirect_uri,
        code_challenge_method="S256",
    )
    url, _ = session.create_authorization_url(
        metadata["authorization_endpoint"],
        state=state,
        code_verifier=verifier,
        nonce=nonce,
        acr_values=acr_value(client, level),
        **({"prompt": "login"} if step_up else {}),
    )
    return Authorization(url, state, nonce, verifier)


def exchange(client: Client, secret: str, code: str, verifier: str) -> dict:
    """The provider's tokens for an authorization code."""
    metadata = discovery(client.issuer)
    session = OAuth2Session(client.client_id, secret, redirect_uri=client.redirect_uri)
    try:
        return session.fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=verifier,
            timeout=TIMEOUT,
        )
    except AuthlibBaseError as error:
        raise SignInError(f"token endpoint: {error.error}") from error
    except requests.RequestException as error:
        raise SignInError("token endpoint unreachable") from error


def _decode(client: Client, value: str) -> dict:
    """The claims of a JWT signed by the provider, its signature checked."""
    metadata = discovery(client.issuer)
    try:
        try:
            token = jwt.decode(value, _keys(metadata), algorithms=ALGORITHMS)
        except InvalidKeyIdError:
            # A key we do not know yet: the provider may have rotated its keys.
            token = jwt.decode(
                value, _keys(metadata, refresh=True), algorithms=ALGORITHMS
            )
    except (JoseError, ValueError) as error:
        raise SignInError(f"signature: {type(error).__name__}") from error
    return token.claims


def _validate(client: Client, claims: dict, **options) -> None:
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": client.issuer},
        aud={"essential": True, "value": client.client_id},
        sub={"essential": True},
        **options,
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise SignInError(f"claims: {type(error).__name__}") from error
    audience = claims["aud"]
    several = isinstance(audience, list) and len(audience) > 1
    if several and claims.get("azp") != client.client_id:
        raise SignInError("claims: another authorized party")


def verify_id_token(client: Client, id_token: str, nonce: str, level: int) -> dict:
    """The id token's claims once its signature, issuer, audience, expiry,
    nonce and level are checked."""
    claims = _decode(client, id_token)
    _validate(
        client,
        claims,
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    if level_of(client, claims.get("acr")) < level:
        raise SignInError("level below the one asked", level_too_low=True)
    return claims


def userinfo(client: Client, access_token: str, subject: str) -> dict:
    """The citizen's claims from userinfo, a JWT signed by the provider."""
    metadata = discovery(client.issuer)
    try:
        response = requests.get(
            metadata["userinfo_endpoint"],
            headers={
                "Authorization": f"Bearer {access_token}",
                "Accept": "application/jwt",
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise SignInError("userinfo unreachable or refused") from error
    if response.headers.get("Content-Type", "").split(";")[0] != "application/jwt":
        raise SignInError("userinfo not signed")
    claims = _decode(client, response.text)
    _validate(client, claims)
    if claims["sub"] != subject:
        raise SignInError("userinfo of another subject")
    return claims


def map_claims(subject: str, claims: dict, mapping: dict) -> dict:
    """The provider's claims under our names (sub, given_name...)."""
    mapped = {"sub": subject}
    for ours, theirs in mapping.items():
        value = claims.get(theirs)
        mapped[ours] = value.strip() if isinstance(value, str) else ""
    return mapped


def end_session_url(client: Client, post_logout_redirect_uri: str) -> str | None:
    """The provider's sign-out, with our client id instead of the id token."""
    endpoint = discovery(client.issuer).get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode({
        "client_id": client.client_id,
        "post_logout_redirect_uri": post_logout_redirect_uri,
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
