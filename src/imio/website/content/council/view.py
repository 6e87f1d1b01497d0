"""The page of a council: members, upcoming and past sittings."""

from DateTime import DateTime
from imio.website.content.person.view import function_label
from imio.website.opening_hours import TIMEZONE
from plone import api
from Products.Five import BrowserView


def sittings(context, upcoming: bool) -> list[dict]:
    """The sittings under context: to come, soonest first, or past, latest first.

    Sittings are few: their dates are read from the catalog's metadata rather
    than through the start index, which holds every date of every recurring
    event.
    """
    now = DateTime()
    brains = [
        brain
        for brain in api.content.find(context=context, portal_type="Sitting")
        if brain.start is not None and (brain.start >= now) == upcoming
    ]
    brains.sort(key=lambda brain: brain.start, reverse=not upcoming)
    found = []
    for brain in brains:
        # The catalog keeps UTC; citizens read Brussels time, as on the sitting.
        start = brain.start.asdatetime().astimezone(TIMEZONE)
        found.append({
            "title": brain.Title,
            "url": brain.getURL(),
            "date": f"{start:%d/%m/%Y %H:%M}",
            "datetime": start.isoformat(),
        })
    return found


class CouncilView(BrowserView):
    """Members with their function, and sittings listed from the catalog."""

    def members(self) -> list[dict]:
        members = []
        for relation in self.context.members or []:
            person = None if relation.isBroken() else relation.to_object
            if person is None or not api.user.has_permission("View", obj=person):
                continue
            members.append({
                "title": person.Title(),
                "url": person.absolute_url(),
                "function": function_label(person.position, self.request),
            })
        return members

    def upcoming_sittings(self) -> list[dict]:
        return sittings(self.context, upcoming=True)

    def past_sittings(self) -> list[dict]:
        return sittings(self.context, upcoming=False)
