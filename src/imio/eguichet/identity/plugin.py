"""The ``citizens`` PAS plugin: citizens signed in with the identity provider.

It knows each citizen by the provider's ``sub``, gives them the Member role and
their name, e-mail and language as properties, and authenticates them from the
session cookie. The national number is kept here, never as a property.
"""

from AccessControl.class_init import InitializeClass
from AccessControl.SecurityInfo import ClassSecurityInfo
from BTrees.OOBTree import OOBTree
from Products.PlonePAS.interfaces.plugins import IUserIntrospection
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.interfaces.plugins import ICredentialsResetPlugin
from Products.PluggableAuthService.interfaces.plugins import IExtractionPlugin
from Products.PluggableAuthService.interfaces.plugins import IPropertiesPlugin
from Products.PluggableAuthService.interfaces.plugins import IRolesPlugin
from Products.PluggableAuthService.interfaces.plugins import (
    IUserEnumerationPlugin,
)
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from Products.PluggableAuthService.UserPropertySheet import UserPropertySheet
from imio.eguichet.identity import session
from imio.eguichet.identity.settings import session_minutes
from zope.interface import implementer


PLUGIN_ID = "citizens"
CREDENTIALS_KEY = "imio.eguichet.citizen_session"
FIELDS = ("given_name", "family_name", "email", "language", "national_number")
INTERFACES = (
    IExtractionPlugin,
    IAuthenticationPlugin,
    IUserEnumerationPlugin,
    IUserIntrospection,
    IPropertiesPlugin,
    IRolesPlugin,
    ICredentialsResetPlugin,
)


@implementer(*INTERFACES)
class CitizensPlugin(BasePlugin):
    """Citizens signed in with OpenID Connect."""

    meta_type = "Citizens (OpenID Connect)"
    security = ClassSecurityInfo()

    def __init__(self, plugin_id, title="Citoyens (OpenID Connect)"):
        self._setId(plugin_id)
        self.title = title
        self._citizens = OOBTree()

    # Our own API, for imio.eguichet.identity only.

    @security.private
    def remember(self, userid: str, data: dict) -> None:
        """Create or update a citizen; unchanged data writes nothing."""
        data = {field: str(data.get(field) or "") for field in FIELDS}
        if self._citizens.get(userid) != data:
            self._citizens[userid] = data

    @security.private
    def citizen(self, userid: str) -> dict | None:
        return self._citizens.get(userid)

    # IExtractionPlugin, IAuthenticationPlugin

    @security.private
    def extractCredentials(self, request):
        cookie = request.cookies.get(session.COOKIE_NAME)
        return {CREDENTIALS_KEY: cookie} if cookie else {}

    @security.private
    def authenticateCredentials(self, credentials):
        cookie = credentials.get(CREDENTIALS_KEY)
        if not cookie:
            return None
        found = session.decode(cookie, session_minutes())
        if found is None or found.userid not in self._citizens:
            return None
        return found.userid, found.userid

    # ICredentialsResetPlugin: Plone's sign-out ends the citizen's session too.

    @security.private
    def resetCredentials(self, request, response):
        response.expireCookie(session.COOKIE_NAME, path="/")

    # IUserEnumerationPlugin, IUserIntrospection

    @security.private
    def enumerateUsers(
        self,
        id=None,  # noqa: A002 - PAS's signature
        login=None,
        exact_match=False,
        sort_by=None,
        max_results=None,
        **kw,
    ):
        wanted = id or login
        if exact_match:
            userids = [wanted] if wanted in self._citizens else []
        else:
            text = wanted or kw.get("fullname") or kw.get("email") or ""
            userids = [
                userid
                for userid, data in self._citizens.items()
                if self._matches(userid, data, text.lower())
            ]
        if max_results is not None:
            userids = userids[:max_results]
        return tuple(
            {"id": userid, "login": userid, "pluginid": self.getId()}
            for userid in userids
        )

    @staticmethod
    def _matches(userid, data, text):
        haystack = (userid, _fullname(data), data["email"])
        return any(text in value.lower() for value in haystack)

    @security.private
    def getUserIds(self):
        return tuple(self._citizens.keys())

    @security.private
    def getUserNames(self):
        return self.getUserIds()

    @security.private
    def getUsers(self):
        pas = self._getPAS()
        return [pas.getUserById(userid) for userid in self._citizens]

    # IPropertiesPlugin, IRolesPlugin

    @security.private
    def getPropertiesForUser(self, user, request=None):
        data = self._citizens.get(user.getId())
        if data is None:
            return {}
        # Not mutable: the provider's claims are the truth, Plone's forms
        # write to their own sheet.
        return UserPropertySheet(
            self.getId(),
            fullname=_fullname(data),
            email=data["email"],
            language=data["language"],
        )

    @security.private
    def getRolesForPrincipal(self, principal, request=None):
        return ("Member",) if principal.getId() in self._citizens else ()


def _fullname(data: dict) -> str:
    return " ".join(filter(None, (data["given_name"], data["family_name"])))


InitializeClass(CitizensPlugin)


def install_plugin(portal) -> CitizensPlugin:
    """Add the plugin to the site's acl_users, its properties before Plone's."""
    pas = portal.acl_users
    if PLUGIN_ID not in pas.objectIds():
        pas._setObject(PLUGIN_ID, CitizensPlugin(PLUGIN_ID))
    plugin = pas[PLUGIN_ID]
    plugin.manage_activateInterfaces([iface.__name__ for iface in INTERFACES])
    pas.plugins.movePluginsTop(IPropertiesPlugin, [PLUGIN_ID])
    return plugin


def get_plugin(portal) -> CitizensPlugin | None:
    return getattr(portal.acl_users, PLUGIN_ID, None)
