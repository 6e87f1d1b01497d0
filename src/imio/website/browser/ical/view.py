"""``@@ics_view`` of events, folders, collections and the site."""

from imio.website.browser.ical.timezones import complete_timezones
from plone.app.event.ical.exporter import EventsICal
from plone.event.interfaces import IICalendar


class CalendarView(EventsICal):
    """plone.app.event's calendar, with time zones that every application reads."""

    def get_ical_string(self) -> bytes:
        return complete_timezones(IICalendar(self.context)).to_ical()
