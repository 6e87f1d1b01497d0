"""The page of a procedure."""

from imio.website.content.procedure.content import IProcedure
from imio.website.content.procedure.content import is_empty
from imio.website.content.procedure.content import SECTIONS
from imio.website.content.procedure.publishing import section_titles
from imio.website.taxonomies import term_labels
from plone import api
from Products.Five import BrowserView
from zope.i18n import translate


def related(relation):
    """The object a relation points to, if the reader may see it."""
    if relation is None or relation.isBroken():
        return None
    target = relation.to_object
    if target is None or not api.user.has_permission("View", obj=target):
        return None
    return target


class ProcedureView(BrowserView):
    """Sections in a fixed order, the service in charge and the online form."""

    def sections(self) -> list[dict]:
        sections = []
        for name in SECTIONS:
            text = getattr(self.context, name, None)
            if not is_empty(text):
                sections.append({
                    "id": name.replace("_", "-"),
                    "title": translate(IProcedure[name].title, context=self.request),
                    "html": text.output_relative_to(self.context),
                })
        return sections

    def service(self) -> dict | None:
        service = related(self.context.responsible_service)
        if service is None:
            return None
        return {"title": service.Title(), "url": service.absolute_url()}

    def online_form_url(self) -> str | None:
        form = related(self.context.online_form)
        if form is not None:
            return form.absolute_url()
        return self.context.online_form_url or None

    def audiences(self) -> list[dict]:
        return term_labels(self.context, self.request, "audience")

    def life_events(self) -> list[dict]:
        return term_labels(self.context, self.request, "life_event")

    def missing_sections(self) -> list[str]:
        """Titles of the sections editors must fill in before publishing."""
        if not api.user.has_permission("Modify portal content", obj=self.context):
            return []
        return section_titles(self.context.missing_sections(), self.request)
