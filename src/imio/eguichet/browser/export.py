"""``@@demandes-export``: the dashboard's filtered cases as CSV, streamed."""

from imio.eguichet import _
from imio.eguichet import audit
from imio.eguichet.browser.dashboard import case_query
from imio.eguichet.browser.dashboard import read_filters
from imio.eguichet.browser.dashboard import row
from imio.eguichet.browser.dashboard import search
from imio.eguichet.browser.workspace import WorkspacePage
from Products.Five.browser import BrowserView

import csv
import io


COLUMNS = (
    ("reference", _("Reference")),
    ("form_title", _("Form")),
    ("applicant", _("Applicant")),
    ("state_title", _("Status")),
    ("service", _("Service")),
    ("assignee", _("Assigned agent")),
    ("created", _("Sent on")),
    ("due_date", _("Due date")),
)
ROWS_PER_CHUNK = 200
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as a CSV cell that no spreadsheet evaluates."""
    if value is None:
        return ""
    if hasattr(value, "ISO8601"):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class ExportView(WorkspacePage, BrowserView):
    """Semicolon-separated UTF-8, as spreadsheets in Belgium open it."""

    def __call__(self):
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader("Content-Disposition", 'attachment; filename="demandes.csv"')
        response.setHeader("Cache-Control", "private, no-store")
        # The byte order mark tells spreadsheets the file is UTF-8.
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([self.translate(title) for _key, title in COLUMNS])
        filters = read_filters(self.request)
        brains = search(case_query(filters))
        references = []
        for number, brain in enumerate(brains, start=1):
            references.append(brain.case_reference)
            values = row(brain)
            values["state_title"] = self.translate(values["state_title"])
            writer.writerow([cell(values[key]) for key, _title in COLUMNS])
            if number % ROWS_PER_CHUNK == 0:
                response.write(self.flush(buffer))
        response.write(self.flush(buffer))
        detail = audit.export_detail("CSV", filters, references)
        audit.record(None, "export", self.request, detail=detail)
        return b""

    def flush(self, buffer) -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data
