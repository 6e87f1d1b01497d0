"""What the main template shows around a page, in the layout the page asks for."""

from imio.website.browser.theme.layout import BREADCRUMBS
from imio.website.browser.theme.layout import layout_for
from imio.website.browser.theme.layout import PUBLIC_ONLY_ABOVE_CONTENT
from imio.website.browser.theme.layout import WORKSPACE_ACTIONS
from plone import api
from plone.i18n.locales.interfaces import IContentLanguageAvailability
from plone.memoize.view import memoize
from Products.Five import BrowserView
from urllib.parse import urlencode
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.component import queryMultiAdapter
from zope.contentprovider.interfaces import IContentProvider
from zope.viewlet.interfaces import IViewlet


LEGAL_ACTIONS = "site_actions"


class PageChrome(BrowserView):
    """Header, navigation and footer parts, for the view being rendered."""

    def setup(self, view):
        """Called once by the main template with the page's view."""
        self.view = view
        self.layout = layout_for(view)
        self.portal_state = getMultiAdapter(
            (self.context, self.request), name="plone_portal_state"
        )
        self.context_state = getMultiAdapter(
            (self.context, self.request), name="plone_context_state"
        )
        return self

    def _manager(self, name):
        return queryMultiAdapter(
            (self.context, self.request, self.view), IContentProvider, name=name
        )

    def viewlet(self, manager_name: str, name: str) -> str:
        """One viewlet of a manager, as its overrides for the layer render it."""
        manager = self._manager(manager_name)
        viewlet = queryMultiAdapter(
            (self.context, self.request, self.view, manager), IViewlet, name=name
        )
        if viewlet is None:
            return ""
        viewlet.update()
        return viewlet.render()

    def above_content(self) -> str:
        """The area above the content; breadcrumbs and alerts on public pages only.

        The home page has no breadcrumbs: they would only name itself.
        """
        manager = self._manager("plone.abovecontent")
        if manager is None:
            return ""
        if self.layout.breadcrumbs_and_alerts:
            left_out = {BREADCRUMBS} if self.at_navigation_root() else set()
        else:
            left_out = PUBLIC_ONLY_ABOVE_CONTENT
        manager.update()
        if not left_out:
            return manager.render()
        return "".join(
            viewlet.render()
            for viewlet in manager.viewlets
            if getattr(viewlet, "__name__", None) not in left_out
        )

    def at_navigation_root(self) -> bool:
        return (
            "/".join(self.context.getPhysicalPath())
            == self.portal_state.navigation_root_path()
        )

    def skip_link_url(self) -> str:
        """This very page's content: Zope's <base> would make "#..." another page."""
        return f"{self.context_state.current_page_url()}#portal-column-content"

    def navigation_root_url(self) -> str:
        return self.portal_state.navigation_root_url()

    def search_url(self) -> str:
        return f"{self.navigation_root_url()}/@@search"

    def search_terms(self) -> str:
        terms = self.request.form.get("SearchableText", "")
        return terms if isinstance(terms, str) else ""

    @memoize
    def member_name(self) -> str:
        """The signed-in person's full name (or user name); empty when anonymous."""
        if self.portal_state.anonymous():
            return ""
        member = self.portal_state.member()
        return member.getProperty("fullname", "") or member.getUserName()

    def login_url(self) -> str:
        """The login form, back to this page once signed in."""
        query = urlencode({"came_from": self.context_state.current_page_url()})
        return f"{self.portal_state.portal_url()}/login?{query}"

    def logout_url(self) -> str:
        """Plone's sign-out, or the citizens' one (which also ends the session
        at their identity provider) for a citizen, where the e-guichet offers it."""
        citizen_logout = queryMultiAdapter(
            (self.portal_state.portal(), self.request), name="citizen-logout"
        )
        if citizen_logout is not None and citizen_logout.for_current_user():
            return citizen_logout.url()
        return f"{self.portal_state.portal_url()}/logout"

    def languages(self) -> list[dict]:
        """The site's languages to switch to; none when it has only one."""
        codes = api.portal.get_registry_record("plone.available_languages", default=[])
        if len(codes) < 2:
            return []
        names = getUtility(IContentLanguageAvailability).getLanguages()
        current = self.portal_state.language()
        base_url = self.context_state.current_base_url()
        return [
            {
                "code": code,
                "name": names.get(code, {}).get("native", code),
                "url": f"{base_url}?{urlencode({'set_language': code})}",
                "current": code == current,
            }
            for code in codes
        ]

    def _links(self, category: str) -> list[dict]:
        current = self.context_state.current_base_url()
        return [
            {
                "id": action["id"],
                "title": action["title"],
                "url": action["url"],
                "current": action["url"] == current,
            }
            for action in self.context_state.actions(category)
            if action.get("visible", True) and action.get("available", True)
        ]

    def workspace_links(self) -> list[dict]:
        """The agents' own navigation: what they may open of the workspace."""
        return self._links(WORKSPACE_ACTIONS)

    def legal_links(self) -> list[dict]:
        """The footer's links that every page keeps (the site's own actions)."""
        return self._links(LEGAL_ACTIONS)
