"""``@@demandes-statistiques``: cases per state and month, delays, lateness.

Computed from catalog metadata with the current user's permissions: an agent
counts the cases of their services only.
"""

from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet.browser.dashboard import case_query
from imio.eguichet.browser.dashboard import OPEN_STATES
from imio.eguichet.browser.dashboard import search
from imio.eguichet.browser.dashboard import state_title
from imio.eguichet.browser.dashboard import STATES
from imio.eguichet.browser.dashboard import today
from imio.eguichet.browser.workspace import badge_class
from imio.eguichet.browser.workspace import month_abbreviation
from imio.eguichet.browser.workspace import month_title
from imio.eguichet.browser.workspace import WorkspacePage
from plone import api
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from statistics import median
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory


MONTHS = 12
CHART_WIDTH = 600
BAR_HEIGHT = 24
MONTH_CHART_HEIGHT = 220
# Below the bars: the month's short name, then its year.
MONTH_LABELS_HEIGHT = 40
LABEL_WIDTH = 160


class Figures:
    """Counts and delays of a set of cases."""

    def __init__(self):
        self.count = 0
        self.per_state = dict.fromkeys(STATES, 0)
        self.per_month = {}
        self.processing_days = []
        self.with_due_date = 0
        self.late = 0

    def add(self, brain, start_of_today):
        self.count += 1
        self.per_state[brain.review_state] = (
            self.per_state.get(brain.review_state, 0) + 1
        )
        month = brain.created.strftime("%Y-%m")
        self.per_month[month] = self.per_month.get(month, 0) + 1
        decided = brain.case_decided or None
        if decided:
            self.processing_days.append(decided - brain.created)
        due = brain.case_due_date or None
        if due is not None:
            self.with_due_date += 1
            if decided:
                self.late += decided >= due + 1
            elif brain.review_state in OPEN_STATES:
                self.late += due < start_of_today

    def median_days(self):
        if not self.processing_days:
            return None
        return round(median(self.processing_days), 1)

    def overdue_percent(self):
        if not self.with_due_date:
            return None
        return round(100 * self.late / self.with_due_date)


def last_months(now: DateTime, number: int) -> list[str]:
    year, month = now.year(), now.month()
    months = []
    for _index in range(number):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


class StatisticsView(WorkspacePage, BrowserView):
    """Totals for the chosen form and service, then one line per form and service."""

    template = ViewPageTemplateFile("templates/statistics.pt")

    @property
    def page_title(self) -> str:
        return self.translate(_("Statistics"))

    def __call__(self):
        self.request.response.setHeader("Cache-Control", "private, no-store")
        self.use_workspace_styles()
        self.filters = {
            name: str(self.request.form.get(name) or "").strip()
            for name in ("form", "service")
        }
        self.compute()
        return self.template()

    def compute(self):
        start_of_today = today()
        self.total = Figures()
        self.per_form, self.per_service = {}, {}
        for brain in search(case_query(self.filters)):
            self.total.add(brain, start_of_today)
            form = brain.case_form_title or ""
            self.per_form.setdefault(form, Figures()).add(brain, start_of_today)
            service = brain.case_service or ""
            self.per_service.setdefault(service, Figures()).add(brain, start_of_today)

    def states(self) -> list[dict]:
        return [
            {
                "state": state,
                "title": state_title(state),
                "badge_class": badge_class(state),
                "count": count,
            }
            for state, count in self.total.per_state.items()
        ]

    def months(self) -> list[dict]:
        """The last twelve months, named in the site's language."""
        language = self.language()
        return [
            {
                "month": month,
                "title": month_title(month, language),
                "abbreviation": month_abbreviation(month, language),
                "year": month[:4],
                "count": self.total.per_month.get(month, 0),
            }
            for month in last_months(DateTime(), MONTHS)
        ]

    def state_bars(self) -> list[dict]:
        """Horizontal bars, one per state, scaled to the largest count."""
        states = self.states()
        largest = max((item["count"] for item in states), default=0) or 1
        room = CHART_WIDTH - LABEL_WIDTH - 40
        return [
            {
                **item,
                "y": index * BAR_HEIGHT,
                "text_y": index * BAR_HEIGHT + BAR_HEIGHT * 0.7,
                "width": round(room * item["count"] / largest, 1),
                "value_x": LABEL_WIDTH + round(room * item["count"] / largest, 1) + 4,
            }
            for index, item in enumerate(states)
        ]

    def state_chart_height(self) -> int:
        return BAR_HEIGHT * len(STATES)

    def month_chart_height(self) -> int:
        return MONTH_CHART_HEIGHT

    def month_bars(self) -> list[dict]:
        """Vertical bars, one per month of the last year."""
        months = self.months()
        largest = max((item["count"] for item in months), default=0) or 1
        step = CHART_WIDTH / len(months)
        room = MONTH_CHART_HEIGHT - MONTH_LABELS_HEIGHT - 20
        bars = []
        for index, item in enumerate(months):
            height = round(room * item["count"] / largest, 1)
            bars.append({
                **item,
                "x": round(index * step + 4, 1),
                "width": round(step - 8, 1),
                "y": round(room - height + 16, 1),
                "height": height,
                "center": round(index * step + step / 2, 1),
                "value_y": round(room - height + 12, 1),
                "label_y": MONTH_CHART_HEIGHT - MONTH_LABELS_HEIGHT + 14,
                "year_y": MONTH_CHART_HEIGHT - 6,
            })
        return bars

    def rows(self, figures: dict, titles: dict) -> list[dict]:
        return [
            {
                "title": titles.get(key) or key or "—",
                "count": item.count,
                "median": item.median_days(),
                "overdue": item.overdue_percent(),
            }
            for key, item in sorted(figures.items(), key=lambda pair: pair[0])
        ]

    def form_rows(self):
        return self.rows(self.per_form, {})

    def service_rows(self):
        titles = {}
        for name in self.per_service:
            group = api.group.get(groupname=name) if name else None
            titles[name] = group and group.getProperty("title")
        return self.rows(self.per_service, titles)

    def tables(self) -> list[dict]:
        return [
            {
                "css_class": "statistics-forms",
                "title": _("Per form"),
                "rows": self.form_rows(),
            },
            {
                "css_class": "statistics-services",
                "title": _("Per service"),
                "rows": self.service_rows(),
            },
        ]

    def forms(self):
        factory = getUtility(IVocabularyFactory, "imio.eguichet.Forms")
        return [
            {"value": term.token, "title": term.title} for term in factory(self.context)
        ]

    def services(self):
        values = api.portal.get_tool("portal_catalog").uniqueValuesFor("case_service")
        options = []
        for value in sorted(values):
            group = api.group.get(groupname=value)
            options.append({
                "value": value,
                "title": (group and group.getProperty("title")) or value,
            })
        return options
