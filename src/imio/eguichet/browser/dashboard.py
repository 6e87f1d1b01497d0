"""``@@demandes-dashboard``: the agents' list of cases, with filters.

Everything shown comes from the catalog's metadata, and every search is made
with the agent's permissions: an agent sees the cases of their services only.
"""

from datetime import date
from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet.browser.workspace import badge_class
from imio.eguichet.browser.workspace import WorkspacePage
from imio.eguichet.cases import site_now
from imio.eguichet.content.case.public import localized
from imio.eguichet.reference import format_reference
from imio.eguichet.reference import normalize_reference
from imio.eguichet.retention import anonymised_notice
from plone import api
from plone.batching import Batch
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory


STATES = (
    "submitted",
    "received",
    "in_progress",
    "awaiting_info",
    "accepted",
    "refused",
    "closed",
    "withdrawn",
)
# States in which a case still waits for the service: only these are overdue.
OPEN_STATES = ("submitted", "received", "in_progress", "awaiting_info")
FILTERS = ("form", "state", "service", "assignee", "overdue", "reference", "sort")
SORTS = {"due": ("case_due_date", "ascending"), "created": ("created", "reverse")}
PAGE_SIZE = 25


def read_filters(request) -> dict:
    """The dashboard's filters from the request, as plain strings."""
    filters = {name: str(request.form.get(name) or "").strip() for name in FILTERS}
    filters["sort"] = (
        request.form.get("sort") if request.form.get("sort") in SORTS else "due"
    )
    return filters


def case_query(filters: dict, with_state=True) -> dict:
    """The catalog query of the cases matching ``filters``."""
    sort_on, sort_order = SORTS[filters.get("sort") or "due"]
    query = {"portal_type": "Case", "sort_on": sort_on, "sort_order": sort_order}
    for index, name in (
        ("case_form", "form"),
        ("case_service", "service"),
        ("case_assignee", "assignee"),
    ):
        if filters.get(name):
            query[index] = filters[name]
    if filters.get("reference"):
        # An impossible reference matches nothing, never everything.
        query["case_reference"] = normalize_reference(filters["reference"]) or "-"
    states = list(STATES)
    if with_state and filters.get("state"):
        states = [filters["state"]]
    if filters.get("overdue"):
        states = [state for state in states if state in OPEN_STATES]
        query["case_due_date"] = {"query": today() - 1, "range": "max"}
    query["review_state"] = states or ["-"]
    return query


def today() -> DateTime:
    return DateTime(site_now().date().isoformat())


def search(query: dict):
    """Catalog results with the current user's permissions."""
    return api.portal.get_tool("portal_catalog").searchResults(**query)


def state_title(state: str) -> str:
    return api.portal.get_tool("portal_workflow").getTitleForStateOnType(state, "Case")


def row(brain) -> dict:
    """What the dashboard and the export show of one case."""
    due = brain.case_due_date
    return {
        "url": brain.getURL(),
        "reference": format_reference(brain.case_reference or ""),
        "form_title": brain.case_form_title or "",
        # An anonymised case has no applicant any more: it says so instead.
        "applicant": anonymised_notice(
            getattr(brain, "case_anonymised_on", None),
            api.portal.get_current_language(),
        )
        or brain.case_applicant_name
        or "",
        "state": brain.review_state,
        "state_title": state_title(brain.review_state),
        "service": brain.case_service or "",
        "assignee": brain.case_assignee or "",
        "created": brain.created,
        "due_date": due or None,
    }


def calendar_date(value: DateTime) -> date:
    """An indexed due date (midnight in the server's zone) as that day."""
    return date(value.year(), value.month(), value.day())


def batch_start(request, length: int) -> int:
    """The first case of the page asked for; a start that is no number is 0.

    A start beyond the results shows their last page.
    """
    value = request.form.get("b_start")
    text = value.strip() if isinstance(value, str) else ""
    try:
        # Python reads no more than 4300 digits; 20 are beyond any results.
        start = int(text[:20]) if text else 0
    except ValueError:
        start = 0
    last_page = max(length - 1, 0) // PAGE_SIZE * PAGE_SIZE
    return min(max(start, 0), last_page)


class DashboardView(WorkspacePage, BrowserView):
    """Counts per state and overdue, filters, and one page of cases."""

    template = ViewPageTemplateFile("templates/dashboard.pt")

    @property
    def page_title(self) -> str:
        return self.translate(_("Cases"))

    def __call__(self):
        self.request.response.setHeader("Cache-Control", "private, no-store")
        self.use_workspace_styles()
        self.filters = read_filters(self.request)
        return self.template()

    def batch(self):
        brains = search(case_query(self.filters))
        return Batch(brains, PAGE_SIZE, start=batch_start(self.request, len(brains)))

    def rows(self, batch):
        start_of_today = today()
        rows = [row(brain) for brain in batch]
        services = {option["value"]: option["title"] for option in self.services()}
        for item in rows:
            item["service_title"] = services.get(item["service"], item["service"])
            item["badge_class"] = badge_class(item["state"])
            due = item["due_date"]
            late = due is not None and due < start_of_today
            item["overdue"] = late and item["state"] in OPEN_STATES
            item["created"] = localized(item["created"])
            # Indexed as midnight of the server's zone: the day is in its parts.
            item["due_date"] = due and localized(
                date(due.year(), due.month(), due.day())
            )
        return rows

    def counts(self) -> list[dict]:
        """The summary bar: the filtered cases in each state, then the overdue."""
        query = case_query(self.filters, with_state=False)
        counts = []
        for state in STATES:
            if state not in query["review_state"]:
                continue
            number = len(search({**query, "review_state": state}))
            counts.append({
                "state": state,
                "title": state_title(state),
                "badge_class": badge_class(state),
                "count": number,
                "url": self.url_with(state=state, overdue="", b_start=""),
            })
        overdue = case_query({**self.filters, "state": "", "overdue": "1"})
        counts.append({
            "state": "overdue",
            "title": _("Overdue"),
            "badge_class": badge_class("overdue"),
            "count": len(search(overdue)),
            "url": self.url_with(state="", overdue="1", b_start=""),
        })
        return counts

    def url_with(self, **changes) -> str:
        """The dashboard's address with its filters, some of them changed."""
        params = {**self.filters, **changes}
        params = {key: value for key, value in params.items() if value}
        return f"{self.context.absolute_url()}/@@demandes-dashboard?{urlencode(params)}"

    def export_url(self, view="demandes-export") -> str | None:
        if not api.user.has_permission("imio.eguichet: Export Cases", obj=self.context):
            return None
        params = {key: value for key, value in self.filters.items() if value}
        return f"{self.context.absolute_url()}/@@{view}?{urlencode(params)}"

    def xlsx_export_url(self) -> str | None:
        return self.export_url("demandes-export-xlsx")

    def statistics_url(self) -> str:
        params = {
            key: self.filters[key] for key in ("form", "service") if self.filters[key]
        }
        portal_url = self.context.absolute_url()
        return f"{portal_url}/@@demandes-statistiques?{urlencode(params)}"

    def forms(self):
        factory = getUtility(IVocabularyFactory, "imio.eguichet.Forms")
        return [
            {"value": term.token, "title": term.title} for term in factory(self.context)
        ]

    def states(self):
        return [{"value": state, "title": state_title(state)} for state in STATES]

    def services(self):
        return self._unique("case_service", group=True)

    def assignees(self):
        return self._unique("case_assignee", group=False)

    def _unique(self, index, group):
        values = api.portal.get_tool("portal_catalog").uniqueValuesFor(index)
        options = []
        for value in sorted(values):
            principal = (
                api.group.get(groupname=value) if group else api.user.get(userid=value)
            )
            title = principal and principal.getProperty(
                "title" if group else "fullname"
            )
            options.append({"value": value, "title": title or value})
        return options

    def sort_options(self):
        return [
            {"value": "due", "title": _("Due date")},
            {"value": "created", "title": _("Newest first")},
        ]
