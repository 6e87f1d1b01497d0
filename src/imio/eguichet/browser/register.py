"""``@@registre-des-traitements``: the register of processing (GDPR article 30).

One entry per e-guichet form, generated from the form's settings: purpose,
legal basis, categories of personal data, recipients (the processing
service), retention period, who may submit, and how many cases are kept.
A form without a purpose or a legal basis is flagged "to be completed".
For the data protection officer and the site's administrators; printable
and exported as CSV.
"""

from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.behaviors import SUBMITTERS
from imio.eguichet.browser.export import cell
from imio.eguichet.vocabularies import DATA_CATEGORIES
from plone import api
from imio.eguichet.browser.workspace import TranslatingPage
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

import csv
import io


CSV_COLUMNS = (
    ("title", _("Processing (form)")),
    ("purpose", _("Purpose of the processing")),
    ("legal_basis", _("Legal basis")),
    ("categories", _("Categories of personal data")),
    ("recipients", _("Recipients")),
    ("retention", _("Storage period")),
    ("submitters", _("Who may submit")),
    ("cases", _("Cases kept")),
    ("status", _("Status")),
)


def register_forms(site) -> list:
    """Every e-guichet form of the site, published or not, by title."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        object_provides=IEguichetForm.__identifier__, sort_on="sortable_title"
    )
    return [brain._unrestrictedGetObject() for brain in brains]


def case_count(form_uid: str) -> int:
    catalog = api.portal.get_tool("portal_catalog")
    return len(
        catalog.unrestrictedSearchResults(portal_type="Case", case_form=form_uid)
    )


def group_title(group_id: str) -> str:
    if not group_id:
        return ""
    group = api.group.get(groupname=group_id)
    return (group and group.getProperty("title")) or group_id


class RegisterPage(TranslatingPage, BrowserView):
    def entries(self) -> list[dict]:
        entries = []
        for form in register_forms(self.context):
            settings = IEguichetForm(form)
            purpose = (settings.purpose or "").strip()
            legal_basis = (settings.legal_basis or "").strip()
            months = settings.retention_months
            submitters = settings.submitters or "anyone"
            term = SUBMITTERS.by_value.get(submitters)
            entries.append({
                "title": form.Title(),
                "url": form.absolute_url(),
                "purpose": purpose,
                "legal_basis": legal_basis,
                "categories": [
                    self.translate(DATA_CATEGORIES[name])
                    for name in settings.data_categories or ()
                    if name in DATA_CATEGORIES
                ],
                "recipients": group_title(settings.processing_service),
                "retention": self.translate(
                    _("${months} months after closing", mapping={"months": months})
                    if months
                    else _("No retention period set")
                ),
                "submitters": self.translate(term.title) if term else submitters,
                "cases": case_count(api.content.get_uuid(form)),
                "incomplete": not (purpose and legal_basis),
            })
        return entries


class RegisterView(RegisterPage):
    template = ViewPageTemplateFile("templates/register.pt")

    def __call__(self):
        self.request.response.setHeader("Cache-Control", "private, no-store")
        return self.template()

    def csv_url(self) -> str:
        return f"{api.portal.get().absolute_url()}/@@registre-des-traitements.csv"

    def stylesheet(self) -> str:
        base = api.portal.get().absolute_url()
        return f"{base}/++plone++imio.eguichet/register.css"


class RegisterCSV(RegisterPage):
    """Semicolon-separated UTF-8 with a byte order mark, as Excel opens it."""

    def __call__(self):
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([self.translate(title) for _key, title in CSV_COLUMNS])
        complete = self.translate(_("Filled in"))
        incomplete = self.translate(_("To be completed"))
        for entry in self.entries():
            values = dict(entry)
            values["categories"] = ", ".join(entry["categories"])
            values["status"] = incomplete if entry["incomplete"] else complete
            writer.writerow([cell(values[key]) for key, _title in CSV_COLUMNS])
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader(
            "Content-Disposition",
            'attachment; filename="registre-des-traitements.csv"',
        )
        response.setHeader("Cache-Control", "private, no-store")
        return buffer.getvalue().encode("utf-8")
