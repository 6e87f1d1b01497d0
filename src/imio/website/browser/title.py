"""The browser's title of every page: "<page> — <commune>".

The page is named by the view being rendered: its ``page_title`` (a string,
already translated; for a z3c.form wrapper, its form's), else the label of a
form (Plone's login form: "Se connecter"), else the title of the content. The
home page of the site (or of a language) is titled with the commune's name
alone: that is what a citizen looks for in a list of tabs or of results.
"""

from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.base.interfaces import INavigationRoot
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form.interfaces import IForm
from zope.i18n import translate


SEPARATOR = " — "


def view_page_title(view, request) -> str:
    """What the view calls its page, or an empty string."""
    for candidate in (view, getattr(view, "form_instance", None)):
        if candidate is None:
            continue
        title = getattr(candidate, "page_title", None)
        if title:
            return translate(title, context=request)
    for candidate in (view, getattr(view, "form_instance", None)):
        if IForm.providedBy(candidate) and getattr(candidate, "label", None):
            return translate(candidate.label, context=request)
    return ""


class TitleViewlet(ViewletBase):
    """``<title>`` with the page's name, then the commune's."""

    index = ViewPageTemplateFile("title.pt")

    def update(self):
        super().update()
        commune = api.portal.get_registry_record("plone.site_title", default="")
        page = view_page_title(self.view, self.request) or self.content_title()
        if not page or page == commune:
            self.title = commune
        else:
            self.title = SEPARATOR.join((page, commune))

    def content_title(self) -> str:
        # The home page of the site or of a language: the commune's name alone.
        if INavigationRoot.providedBy(self.context):
            return ""
        context_state = api.content.get_view(
            "plone_context_state", self.context, self.request
        )
        return context_state.object_title()
