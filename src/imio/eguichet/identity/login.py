"""Plone's login page, which first offers citizens the identity provider.

Pages that need a signed-in visitor (Mes démarches, a case, the header's
"Se connecter") lead to Plone's login page. Where the site signs citizens in
with an identity provider, citizens, who have no password, find there first
the sign-in with itsme or their identity card, back to the page they asked
for; the user name and password form follows, for the commune's agents and
editors. Without a provider the page is Plone's.
"""

from imio.eguichet.identity import login_url
from imio.eguichet.identity.settings import is_configured
from plone import api
from Products.CMFPlone.browser.login.login import LoginForm
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urljoin


class CitizensLoginForm(LoginForm):
    """Plone's login form, after the citizens' sign-in where there is one."""

    index = ViewPageTemplateFile("templates/login.pt")

    def citizens_sign_in(self) -> bool:
        return is_configured()

    @property
    def enable_autofocus(self) -> bool:
        # Citizens come first: the cursor is not put in the staff's form.
        return not is_configured()

    def citizens_login_url(self) -> str:
        """The citizens' sign-in, back to the page that asked for it when it
        is a page of this site (else to the home page). Plone's challenge
        gives the page as a path: it is read from the site's address."""
        portal_url = api.portal.get().absolute_url()
        came_from = self.get_came_from()
        if isinstance(came_from, str):
            came_from = urljoin(portal_url, came_from)
        if not isinstance(came_from, str) or not (
            came_from == portal_url or came_from.startswith(portal_url + "/")
        ):
            came_from = portal_url
        return login_url(self.context, came_from)
