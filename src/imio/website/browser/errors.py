"""The page a citizen gets for an address that leads nowhere (404).

Plone answers JSON to every request whose ``Accept`` lacks ``text/html``:
curl, many bots and link checkers send ``Accept: */*`` and got
``{"error_type": "NotFound"}``. Here, only API requests get JSON, plone.rest's
(``++api++`` or ``Accept: application/json``: plone.rest marks both); every
other client gets the page.
"""

from imio.website import _
from plone import api
from plone.rest.errors import ErrorHandling
from plone.rest.interfaces import IAPIRequest
from Products.CMFPlone.browser.exceptions import ExceptionView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate


# Sections that the commune distribution creates at the root of the site.
PROCEDURES = "demarches"
CONTACT = "contact"


class NotFoundView(ExceptionView):
    """Page introuvable: the search box, the home page, procedures, contact."""

    index = ViewPageTemplateFile("errors.pt")

    @property
    def page_title(self) -> str:
        return translate(_("Page not found"), context=self.request)

    def __call__(self):
        if IAPIRequest.providedBy(self.request):
            return ErrorHandling(self.context, self.request)()
        if self.plone_redirector_view.attempt_redirect():
            return ""
        self.context = self.content(self.__parent__)
        self.request.response.setStatus(404)
        self.request.response.setHeader("Content-Type", "text/html;charset=utf-8")
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)
        return self.index()

    @staticmethod
    def content(found):
        """The page the missing address was sought in.

        A view that finds nothing to show (a file that is not there) raises
        NotFound itself: the page is then drawn in the view's own context.
        """
        while found is not None and not hasattr(found, "restrictedTraverse"):
            found = getattr(found, "__parent__", None)
        return found if found is not None else api.portal.get()

    def navigation_root(self):
        return api.portal.get_navigation_root(self.context)

    def home_url(self) -> str:
        return self.navigation_root().absolute_url()

    def search_url(self) -> str:
        return f"{self.home_url()}/@@search"

    def section(self, name: str) -> dict | None:
        """A section of the site the visitor may see, as a link."""
        root = self.navigation_root()
        item = root.get(name) if hasattr(root, "get") else None
        if item is None or not api.user.has_permission("View", obj=item):
            return None
        return {"title": item.Title(), "url": item.absolute_url()}

    def links(self) -> list[dict]:
        home = {
            "title": translate(_("Home page"), context=self.request),
            "url": self.home_url(),
        }
        sections = [self.section(name) for name in (PROCEDURES, CONTACT)]
        return [home, *(section for section in sections if section)]
