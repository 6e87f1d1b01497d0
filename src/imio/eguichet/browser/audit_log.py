"""``@@journal-d-audit``: the data protection officer's audit trail, and its CSV.

Who read a case's personal data, downloaded a file, exported cases or
produced a letter: newest first, filtered by period, agent, reference and
action. Readable by the data protection officer and the site's managers
only (permission ``imio.eguichet: Read Audit Trail``); exporting it is
itself recorded.
"""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from imio.eguichet import _
from imio.eguichet import audit
from imio.eguichet.browser.export import cell
from imio.eguichet.reference import format_reference
from imio.eguichet.reference import normalize_reference
from itertools import islice
from plone import api
from imio.eguichet.browser.workspace import TranslatingPage
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import csv
import io


PAGE_SIZE = 50
ROWS_PER_CHUNK = 500
ACTION_TITLES = {
    "view": _("Case viewed"),
    "download": _("File downloaded"),
    "export": _("Cases exported"),
    "letter": _("Letter produced"),
}
CSV_COLUMNS = (
    ("when", _("Date and time")),
    ("user", _("User id")),
    ("name", _("Name")),
    ("action", _("Action")),
    ("reference", _("Reference")),
    ("title", _("Form")),
    ("detail", _("Details of the action")),
    ("address", _("Client address")),
)


def site_zone() -> ZoneInfo:
    zone = api.portal.get_registry_record("plone.portal_timezone", default=None)
    try:
        return ZoneInfo(zone or "Europe/Brussels")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/Brussels")


def parse_day(text: str) -> date | None:
    """A day typed as 2026-03-14 (the date field) or 14/03/2026; else None."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class AuditPage(TranslatingPage, BrowserView):
    """What the page and its CSV share: the filters and the entries."""

    def read_filters(self) -> dict:
        form = self.request.form
        filters = {
            name: str(form.get(name) or "").strip()[:100]
            for name in ("start", "end", "user", "reference", "action")
        }
        if filters["action"] not in audit.ACTIONS:
            filters["action"] = ""
        return filters

    def filter_errors(self, filters) -> dict:
        errors = {}
        for name in ("start", "end"):
            if filters[name] and parse_day(filters[name]) is None:
                errors[name] = _("Give a date such as 2026-03-14.")
        if filters["reference"] and normalize_reference(filters["reference"]) is None:
            errors["reference"] = _("This reference is not valid.")
        return errors

    def query(self, filters) -> dict:
        zone = site_zone()
        start = parse_day(filters["start"])
        end = parse_day(filters["end"])
        reference = (
            normalize_reference(filters["reference"]) if filters["reference"] else None
        )
        return {
            "start": datetime.combine(start, time(), zone) if start else None,
            # The end day is included: up to the next day's midnight.
            "end": (
                datetime.combine(end + timedelta(days=1), time(), zone) if end else None
            ),
            "user": filters["user"] or None,
            # A reference that cannot exist matches nothing, never everything.
            "reference": reference or ("-" if filters["reference"] else None),
            "action": filters["action"] or None,
        }

    def local_time(self, entry) -> str:
        when = datetime.fromisoformat(entry["when"]).astimezone(site_zone())
        return when.strftime("%Y-%m-%d %H:%M:%S")

    def action_title(self, action: str) -> str:
        return self.translate(ACTION_TITLES.get(action, action))


class AuditLogView(AuditPage):
    template = ViewPageTemplateFile("templates/audit_log.pt")

    def __call__(self):
        self.request.response.setHeader("Cache-Control", "private, no-store")
        self.filters = self.read_filters()
        self.errors = self.filter_errors(self.filters)
        self.start = self.page_start()
        self.has_older = False
        self.entries = []
        if self.errors:
            self.request.response.setStatus(400)
        else:
            # Read only as far as this page (and one more entry, to know
            # whether older ones follow): the log may hold two years.
            found = audit.entries(api.portal.get(), **self.query(self.filters))
            page = list(islice(found, self.start, self.start + PAGE_SIZE + 1))
            self.has_older = len(page) > PAGE_SIZE
            self.entries = page[:PAGE_SIZE]
        return self.template()

    def page_start(self) -> int:
        try:
            return max(0, int(self.request.form.get("b_start") or 0))
        except (TypeError, ValueError):
            return 0

    def page_url(self, start: int) -> str:
        base = f"{api.portal.get().absolute_url()}/@@journal-d-audit"
        used = {name: value for name, value in self.filters.items() if value}
        if start > 0:
            used["b_start"] = start
        return f"{base}?{urlencode(used)}" if used else base

    def newer_url(self) -> str | None:
        if self.start <= 0:
            return None
        return self.page_url(max(0, self.start - PAGE_SIZE))

    def older_url(self) -> str | None:
        return self.page_url(self.start + PAGE_SIZE) if self.has_older else None

    def rows(self) -> list[dict]:
        return [
            {
                "when": self.local_time(entry),
                "user": entry["user"],
                "name": entry["name"],
                "action": self.action_title(entry["action"]),
                "reference": format_reference(entry["reference"])
                if entry["reference"]
                else "",
                "title": entry["title"],
                "detail": entry["detail"],
                "address": entry["address"],
            }
            for entry in self.entries
        ]

    def actions(self) -> list[dict]:
        return [
            {"value": action, "title": self.action_title(action)}
            for action in audit.ACTIONS
        ]

    def retention(self) -> str:
        months = audit.retention_months()
        if months <= 0:
            return self.translate(_("The entries are kept without limit of time."))
        return self.translate(
            _(
                "The entries are kept ${months} months, then deleted by the "
                "retention job.",
                mapping={"months": months},
            )
        )

    def csv_url(self) -> str:
        base = f"{api.portal.get().absolute_url()}/@@journal-d-audit.csv"
        used = {name: value for name, value in self.filters.items() if value}
        return f"{base}?{urlencode(used)}" if used else base


class AuditLogCSV(AuditPage):
    """Semicolon-separated UTF-8 with a byte order mark, as Excel opens it."""

    def __call__(self):
        filters = self.read_filters()
        response = self.request.response
        if self.filter_errors(filters):
            response.setStatus(400)
            response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return self.translate(_("The filters of the audit trail are not valid."))
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader(
            "Content-Disposition", 'attachment; filename="journal-d-audit.csv"'
        )
        response.setHeader("Cache-Control", "private, no-store")
        # Streamed by chunks: two years of entries never sit whole in memory.
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([self.translate(title) for _key, title in CSV_COLUMNS])
        count = 0
        for count, entry in enumerate(
            audit.entries(api.portal.get(), **self.query(filters)), start=1
        ):
            values = dict(entry)
            values["when"] = self.local_time(entry)
            values["action"] = self.action_title(entry["action"])
            values["reference"] = (
                format_reference(entry["reference"]) if entry["reference"] else ""
            )
            writer.writerow([cell(values.get(key)) for key, _title in CSV_COLUMNS])
            if count % ROWS_PER_CHUNK == 0:
                response.write(flush(buffer))
        used = ", ".join(f"{name}={value}" for name, value in filters.items() if value)
        audit.record(
            None,
            "export",
            self.request,
            detail=f"journal-d-audit.csv; {count}; {used}",
        )
        response.write(flush(buffer))
        return b""


def flush(buffer) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
