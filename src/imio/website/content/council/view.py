"""The page of a council: members, upcoming and past sittings."""

from DateTime import DateTime
from imio.website.content.person.view import function_label
from imio.website.opening_hours import TIMEZONE
from plone import api
from Products.Five import BrowserView


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

    def _sittings(self, upcoming: bool) -> list[dict]:
        now = DateTime()
        brains = api.content.find(
            context=self.context,
            portal_type="Sitting",
            start={"query": now, "range": "min" if upcoming else "max"},
            sort_on="start",
            sort_order="ascending" if upcoming else "descending",
        )
        sittings = []
        for brain in brains:
            # The catalog keeps UTC; citizens read Brussels time, as on the sitting.
            start = brain.start.asdatetime().astimezone(TIMEZONE)
            sittings.append({
                "title": brain.Title,
                "url": brain.getURL(),
                "date": f"{start:%d/%m/%Y %H:%M}",
                "datetime": start.isoformat(),
            })
        return sittings

    def upcoming_sittings(self) -> list[dict]:
        return self._sittings(upcoming=True)

    def past_sittings(self) -> list[dict]:
        return self._sittings(upcoming=False)
