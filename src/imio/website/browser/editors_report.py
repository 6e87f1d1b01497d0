"""Editors' report: procedures and services whose pages miss information."""

from imio.website import _
from imio.website.content.procedure.content import is_empty
from imio.website.content.procedure.content import MANDATORY_SECTIONS
from imio.website.content.procedure.content import SECTIONS
from imio.website.content.procedure.content import IProcedure
from imio.website.content.service.content import IService
from imio.website.opening_hours import OpeningHours
from plone import api
from Products.Five import BrowserView
from zope.i18n import translate

import csv
import io


SERVICE_FIELDS = ("street", "postal_code", "city", "phones", "emails")
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def procedure_gaps(procedure) -> list[tuple[str, object, bool]]:
    """(field, title, mandatory) for each empty part of a procedure."""
    gaps = [("description", _("Summary"), False)] if not procedure.Description() else []
    for name in SECTIONS:
        if is_empty(getattr(procedure, name, None)):
            gaps.append((name, IProcedure[name].title, name in MANDATORY_SECTIONS))
    if procedure.responsible_service is None:
        gaps.append((
            "responsible_service",
            IProcedure["responsible_service"].title,
            False,
        ))
    return gaps


def service_gaps(service) -> list[tuple[str, object, bool]]:
    gaps = [("description", _("Summary"), False)] if not service.Description() else []
    for name in SERVICE_FIELDS:
        if not getattr(service, name, None):
            gaps.append((name, IService[name].title, False))
    if OpeningHours.of(service).is_empty():
        gaps.append(("opening_hours", _("Opening hours"), False))
    return gaps


GAPS = {"Procedure": procedure_gaps, "Service": service_gaps}


class EditorsReport(BrowserView):
    """Every procedure and service with what its page still lacks."""

    def _(self, message) -> str:
        return translate(message, context=self.request)

    def state_title(self, workflow, brain) -> str:
        if not brain.review_state:
            return ""
        title = workflow.getTitleForStateOnType(brain.review_state, brain.portal_type)
        return translate(title, domain="plone", context=self.request)

    def rows(self) -> list[dict]:
        types = api.portal.get_tool("portal_types")
        workflow = api.portal.get_tool("portal_workflow")
        rows = []
        brains = api.content.find(portal_type=list(GAPS), sort_on="sortable_title")
        for brain in brains:
            gaps = GAPS[brain.portal_type](brain.getObject())
            if not gaps:
                continue
            rows.append({
                "title": brain.Title,
                "url": brain.getURL(),
                "type": self._(types[brain.portal_type].Title()),
                "state": self._(
                    _(
                        workflow.getTitleForStateOnType(
                            brain.review_state, brain.portal_type
                        )
                    )
                )
                if brain.review_state
                else "",
                "missing": [self._(title) for _name, title, _mandatory in gaps],
                "mandatory": [
                    self._(title) for _name, title, mandatory in gaps if mandatory
                ],
            })
        return rows


def spreadsheet_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class EditorsReportCsv(EditorsReport):
    """The same report as a spreadsheet (semicolons, UTF-8 with BOM)."""

    def __call__(self):
        output = io.StringIO()
        output.write("\ufeff")
        writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
        writer.writerow([
            self._(_("Title")),
            self._(_("Web address")),
            self._(_("Type")),
            self._(_("State")),
            self._(_("Missing information")),
            self._(_("Needed before publishing")),
        ])
        for row in self.rows():
            writer.writerow([
                spreadsheet_cell(row["title"]),
                row["url"],
                row["type"],
                row["state"],
                ", ".join(row["missing"]),
                ", ".join(row["mandatory"]),
            ])
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader(
            "Content-Disposition", 'attachment; filename="rapport-contenus.csv"'
        )
        return output.getvalue()
