"""The opening hours block of services and places, with "open now"."""

from datetime import datetime
from imio.website import _
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import TIMEZONE
from imio.website.opening_hours import WEEKDAYS
from plone.base.i18nl10n import monthname_msgid
from Products.Five import BrowserView
from zope.i18n import translate
from zope.i18nmessageid import MessageFactory


PLMF = MessageFactory("plonelocales")


def now() -> datetime:
    """The current time in Brussels."""
    return datetime.now(TIMEZONE)


def status_of(fields: dict | None, at: datetime, request) -> dict | None:
    """Open or closed now, from the hours the catalog keeps; None without hours."""
    if not fields:
        return None
    hours = OpeningHours.of_fields(fields)
    if hours.is_empty():
        return None
    opened = hours.is_open(at)
    return {
        "open": opened,
        "label": translate(
            _("Open now") if opened else _("Closed now"), context=request
        ),
    }


class OpeningHoursView(BrowserView):
    """Weekly timetable, upcoming closures and whether it is open now."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.hours = OpeningHours.of(context)
        self.now = now()

    def _(self, message) -> str:
        return translate(message, context=self.request)

    def moment(self, when: datetime) -> str:
        """A coming moment said as a person would: today, tomorrow or a date."""
        days = (when.date() - self.now.date()).days
        clock = f"{when:%H:%M}"
        if days == 0:
            return self._(_("today at ${time}", mapping={"time": clock}))
        if days == 1:
            return self._(_("tomorrow at ${time}", mapping={"time": clock}))
        weekday = self._(WEEKDAYS[when.weekday()][1]).lower()
        month = self._(PLMF(monthname_msgid(when.month))).lower()
        return self._(
            _(
                "${weekday} ${day} ${month} at ${time}",
                mapping={
                    "weekday": weekday,
                    "day": when.day,
                    "month": month,
                    "time": clock,
                },
            )
        )

    def status(self) -> dict:
        """Open or closed now, and until when or from when."""
        closes = self.hours.closes_at(self.now)
        if closes is not None:
            return {
                "open": True,
                "label": self._(_("Open now")),
                "detail": self._(
                    _("until ${time}", mapping={"time": f"{closes:%H:%M}"})
                ),
            }
        opening = self.hours.next_opening(self.now)
        detail = ""
        if opening is not None:
            detail = self._(
                _("Next opening: ${moment}", mapping={"moment": self.moment(opening)})
            )
        closure = self.hours.closure_on(self.now.date())
        return {
            "open": False,
            "label": self._(_("Closed now")),
            "detail": detail,
            "closure": closure.reason if closure else "",
        }

    def timetable(self) -> list[dict]:
        rows = []
        for index, (_name, title) in enumerate(WEEKDAYS):
            ranges = self.hours.week.get(index, ())
            rows.append({
                "day": self._(title),
                "hours": ", ".join(str(each) for each in ranges),
            })
        return rows

    def closures(self) -> list[dict]:
        rows = []
        for closure in self.hours.upcoming_closures(self.now.date()):
            if closure.first == closure.last:
                when = f"{closure.first:%d/%m/%Y}"
            else:
                when = f"{closure.first:%d/%m/%Y}\u2013{closure.last:%d/%m/%Y}"
            rows.append({"when": when, "reason": closure.reason})
        return rows
