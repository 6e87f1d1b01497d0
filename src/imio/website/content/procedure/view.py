"""The page of a procedure."""

from functools import cached_property
from imio.website import _
from imio.website.address import address_lines
from imio.website.content.procedure.content import IProcedure
from imio.website.content.procedure.content import is_empty
from imio.website.content.procedure.content import SECTIONS
from imio.website.content.procedure.publishing import section_titles
from imio.website.content.service.view import phone_links
from imio.website.taxonomies import term_labels
from plone import api
from Products.Five import BrowserView
from zope.component import getMultiAdapter
from zope.i18n import translate


# Sections told in the summary box at the top rather than further down.
SUMMARY_SECTIONS = ("cost", "delay")


def related(relation):
    """The object a relation points to, if the reader may see it."""
    if relation is None or relation.isBroken():
        return None
    target = relation.to_object
    if target is None or not api.user.has_permission("View", obj=target):
        return None
    return target


class ProcedureView(BrowserView):
    """A summary and the next step first, then the sections; the service beside."""

    @cached_property
    def responsible(self):
        """The service in charge, if the reader may see it."""
        return related(self.context.responsible_service)

    @cached_property
    def form_url(self) -> str | None:
        """The e-guichet form the reader may open, or the external form."""
        form = related(self.context.online_form)
        if form is not None:
            return form.absolute_url()
        return self.context.online_form_url or None

    def _(self, message) -> str:
        return translate(message, context=self.request)

    def text(self, name: str) -> str | None:
        value = getattr(self.context, name, None)
        return None if is_empty(value) else value.output_relative_to(self.context)

    def sections(self) -> list[dict]:
        """The sections below the summary, in a fixed order."""
        sections = []
        for name in SECTIONS:
            html = None if name in SUMMARY_SECTIONS else self.text(name)
            if html is not None:
                sections.append({
                    "id": name.replace("_", "-"),
                    "title": self._(IProcedure[name].title),
                    "html": html,
                })
        return sections

    def summary(self) -> list[dict]:
        """Cost, delay, where and whether one can ask online, as a reader asks."""
        rows = [
            {"id": name, "title": self._(IProcedure[name].title), "html": html}
            for name in SUMMARY_SECTIONS
            if (html := self.text(name)) is not None
        ]
        service = self.service
        if service is not None:
            rows.append({"id": "where", "title": self._(_("Where")), "place": service})
        rows.append({
            "id": "online",
            "title": self._(_("Online")),
            "answer": self._(
                _("Yes, you can apply online.")
                if self.form_url
                else _("No, ask the service.")
            ),
        })
        return rows

    @cached_property
    def service(self) -> dict | None:
        """The service in charge: where it is, how to reach it, open or not."""
        service = self.responsible
        if service is None:
            return None
        return {
            "title": service.Title(),
            "url": service.absolute_url(),
            "address": address_lines(service),
            "phones": phone_links(service.phones),
            "emails": list(service.emails or []),
            "status": None if self.hours is None else self.hours.status(),
        }

    @cached_property
    def hours(self):
        """The responsible service's opening hours, or None without any."""
        if self.responsible is None:
            return None
        hours = getMultiAdapter((self.responsible, self.request), name="opening-hours")
        return None if hours.hours.is_empty() else hours

    def service_hours(self) -> str:
        """The service's week, closures and whether it is open now."""
        return "" if self.hours is None else self.hours()

    def action(self) -> dict | None:
        """The next step: the online form, else an appointment, else the service."""
        if self.form_url:
            return {
                "id": "online-form",
                "label": _("Apply online"),
                "url": self.form_url,
            }
        if self.responsible is None:
            return None
        appointment = getattr(self.responsible, "appointment_url", None)
        if appointment:
            return {
                "id": "appointment",
                "label": _("Book an appointment"),
                "url": appointment,
            }
        return {
            "id": "contact",
            "label": _("Contact the service"),
            "url": "#procedure-service",
        }

    def audiences(self) -> list[dict]:
        return term_labels(self.context, self.request, "audience")

    def life_events(self) -> list[dict]:
        return term_labels(self.context, self.request, "life_event")

    def missing_sections(self) -> list[str]:
        """Titles of the sections editors must fill in before publishing."""
        if not api.user.has_permission("Modify portal content", obj=self.context):
            return []
        return section_titles(self.context.missing_sections(), self.request)
