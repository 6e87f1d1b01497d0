"""``GET {service or place}/@opening-hours``: weekly hours, closures, open now."""

from imio.website.browser import opening_hours as page
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import TIMEZONE
from imio.website.opening_hours import WEEKDAYS
from plone.restapi.services import Service


def iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


class OpeningHoursGet(Service):
    """When a service or a place receives the public, read in Europe/Brussels."""

    def check_permission(self):
        # Open to anonymous visitors, as the page that shows the same hours:
        # viewing the service is the check, not "Use REST API".
        return

    def reply(self):
        hours = OpeningHours.of(self.context)
        now = page.now()
        return {
            "@id": f"{self.context.absolute_url()}/@opening-hours",
            "timezone": str(TIMEZONE),
            "weekly": [
                {
                    "day": name,
                    "ranges": [
                        {"opens": f"{each.start:%H:%M}", "closes": f"{each.end:%H:%M}"}
                        for each in hours.week.get(index, ())
                    ],
                }
                for index, (name, _title) in enumerate(WEEKDAYS)
            ],
            "closures": [
                {
                    "start": closure.first.isoformat(),
                    "end": closure.last.isoformat(),
                    "reason": closure.reason,
                }
                for closure in hours.upcoming_closures(now.date())
            ],
            "open_now": hours.is_open(now),
            "closes_at": iso(hours.closes_at(now)),
            "next_opening": iso(hours.next_opening(now)),
        }
