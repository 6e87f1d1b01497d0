"""The citizen's sign-in, its return from the provider, and sign-out."""

from imio.eguichet import _
from imio.eguichet.identity import current_identity
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.identity import LEVEL_SIGNED_IN
from imio.eguichet.identity import oidc
from imio.eguichet.identity import session
from imio.eguichet.identity import sign_in
from imio.eguichet.identity import sign_out
from imio.eguichet.identity.claims import clean
from imio.eguichet.identity.settings import client_secret
from imio.eguichet.identity.settings import get_settings
from imio.eguichet.identity.settings import is_configured
from imio.eguichet.identity.settings import SecretUnavailable
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from ZODB.POSException import ConflictError
from zope.interface import alsoProvides

import hmac
import logging


logger = logging.getLogger("imio.eguichet.identity")

LEVELS = (100, 300, 400, 450)
SIGN_IN = "sign-in"

EXPIRED = _(
    "The sign-in took too long or was started in another window. Please sign in again."
)
CANCELLED = _("The sign-in was cancelled. You can sign in again when you wish.")
REFUSED = _(
    "The answer of the identity service could not be verified, so you are not "
    "signed in. Please sign in again."
)
UNAVAILABLE = _(
    "The identity service cannot be reached at the moment. "
    "Please try again in a few minutes."
)
HIGH_LEVEL_NEEDED = _(
    "This procedure needs a sign-in with your electronic identity card (eID) or "
    "itsme. Other means of signing in are not enough for it."
)
HIGHER_LEVEL_NEEDED = _(
    "This procedure needs a more secure means of signing in than the one you used."
)


class SignInFailed(Exception):
    def __init__(self, message, reason: str, status: int = 400):
        super().__init__(reason)
        self.message = message
        self.reason = reason
        self.status = status


def client_of(portal, settings) -> oidc.Client:
    return oidc.Client(
        issuer=settings.issuer,
        client_id=settings.client_id,
        redirect_uri=f"{portal.absolute_url()}/@@citizen-callback",
        scopes=settings.scopes,
        acr_prefix=settings.acr_prefix,
    )


def level_needed(level: int):
    """Why a sign-in below ``level`` does not do."""
    return HIGH_LEVEL_NEEDED if level >= LEVEL_HIGH else HIGHER_LEVEL_NEEDED


class IdentityView(BrowserView):
    """What the three views share: the site, its settings, the error page."""

    error_template = ViewPageTemplateFile("templates/sign_in_error.pt")

    def __init__(self, context, request):
        super().__init__(context, request)
        self.portal = api.portal.get()
        self.portal_url = self.portal.absolute_url()
        self.settings = get_settings()

    def same_site(self, url: str) -> str:
        """``url`` if it is a page of this site, else the site's home page."""
        if isinstance(url, str) and (
            url == self.portal_url or url.startswith(self.portal_url + "/")
        ):
            return url
        return self.portal_url

    def failed(self, error: SignInFailed, came_from: str = "", level: int = 0):
        # The reason names the check that failed; never a token or a claim.
        logger.warning("citizen sign-in refused: %s", error.reason)
        self.request.response.setStatus(error.status)
        self.request.response.setHeader("Cache-Control", "no-store")
        self.message = error.message
        self.came_from = came_from or self.portal_url
        query = {"came_from": self.came_from, "level": level or LEVEL_SIGNED_IN}
        self.retry_url = f"{self.portal_url}/@@citizen-login?{urlencode(query)}"
        return self.error_template()


class CitizenLogin(IdentityView):
    """Sends the citizen to the provider at the level the page needs."""

    def __call__(self):
        came_from = self.same_site(self.request.form.get("came_from", ""))
        level = self.level()
        if not is_configured():
            query = urlencode({"came_from": came_from})
            return self.request.response.redirect(f"{self.portal_url}/login?{query}")
        signed_in = current_identity(self.request)
        if signed_in is not None and signed_in.level >= level:
            return self.request.response.redirect(came_from)
        client = client_of(self.portal, self.settings)
        step_up = signed_in is not None
        try:
            authorization = oidc.authorization(client, level, step_up)
        except oidc.SignInError as error:
            failure = SignInFailed(UNAVAILABLE, error.reason, status=503)
            return self.failed(failure, came_from, level)
        pending = session.sign(
            SIGN_IN,
            {
                "s": authorization.state,
                "n": authorization.nonce,
                "v": authorization.verifier,
                "l": level,
                "c": came_from,
            },
        )
        session.set_cookie(self.request, session.SIGN_IN_COOKIE_NAME, pending)
        self.request.response.setHeader("Cache-Control", "no-store")
        return self.request.response.redirect(authorization.url)

    def level(self) -> int:
        try:
            level = int(self.request.form.get("level", LEVEL_SIGNED_IN))
        except (TypeError, ValueError):
            return LEVEL_SIGNED_IN
        return level if level in LEVELS else LEVEL_SIGNED_IN


class CitizenCallback(IdentityView):
    """The provider's redirect: checks its answer and opens the session."""

    def __call__(self):
        # The state, bound to the browser by a signed cookie, is this
        # request's protection against forgery.
        alsoProvides(self.request, IDisableCSRFProtection)
        cookie = self.request.cookies.get(session.SIGN_IN_COOKIE_NAME, "")
        pending = session.unsign(SIGN_IN, cookie, session.SIGN_IN_MINUTES)
        session.expire_cookie(self.request, session.SIGN_IN_COOKIE_NAME)
        if pending is None:
            return self.failed(SignInFailed(EXPIRED, "no sign-in in progress"))
        came_from = self.same_site(pending.get("c", ""))
        level = int(pending.get("l", LEVEL_SIGNED_IN))
        try:
            self.complete(pending, level)
        except SignInFailed as error:
            return self.failed(error, came_from, level)
        except ConflictError:
            raise  # Zope publishes the request again.
        except Exception as error:
            # An answer no check foresaw: the citizen reads a page, not a
            # site error; the log names the error's type, never its text,
            # which could quote the provider's answer.
            unexpected = SignInFailed(
                UNAVAILABLE, f"unexpected {type(error).__name__}", status=503
            )
            return self.failed(unexpected, came_from, level)
        self.request.response.setHeader("Cache-Control", "no-store")
        return self.request.response.redirect(came_from)

    def complete(self, pending: dict, level: int) -> None:
        form = self.request.form
        if form.get("error"):
            message = level_needed(level) if level > LEVEL_SIGNED_IN else CANCELLED
            raise SignInFailed(message, "the provider answered an error")
        state = form.get("state")
        if not isinstance(state, str) or not hmac.compare_digest(
            state, str(pending.get("s", ""))
        ):
            raise SignInFailed(REFUSED, "state does not match")
        code = form.get("code")
        if not is_configured() or not isinstance(code, str) or not code:
            raise SignInFailed(REFUSED, "no code")
        client = client_of(self.portal, self.settings)
        try:
            secret = client_secret(self.settings)
        except SecretUnavailable:
            raise SignInFailed(
                UNAVAILABLE, "client secret unavailable", status=503
            ) from None
        try:
            tokens = oidc.exchange(client, secret, code, pending["v"])
            id_claims = oidc.verify_id_token(
                client, tokens.get("id_token", ""), pending["n"], level
            )
            subject = id_claims["sub"]
            released = oidc.userinfo(client, tokens.get("access_token", ""), subject)
        except oidc.SignInError as error:
            message = level_needed(level) if error.level_too_low else REFUSED
            raise SignInFailed(message, error.reason) from None
        claims = oidc.map_claims(
            subject, {**id_claims, **released}, dict(self.settings.claims)
        )
        sign_in(self.request, clean(claims), oidc.level_of(client, id_claims["acr"]))


class CitizenLogout(IdentityView):
    """Ends the citizen's session here and at the provider, back to the site."""

    def for_current_user(self) -> bool:
        """Whether "Se déconnecter" should lead here: a signed-in citizen."""
        return current_identity(self.request) is not None

    def url(self) -> str:
        return f"{self.portal_url}/@@citizen-logout"

    def __call__(self):
        sign_out(self.request)
        self.portal.acl_users.logout(self.request)
        self.request.response.setHeader("Cache-Control", "no-store")
        destination = self.portal_url
        if is_configured():
            client = client_of(self.portal, self.settings)
            try:
                destination = (
                    oidc.end_session_url(client, self.portal_url) or destination
                )
            except oidc.SignInError as error:
                logger.warning("provider's sign-out unreachable: %s", error.reason)
        return self.request.response.redirect(destination)
