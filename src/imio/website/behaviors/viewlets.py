"""The practical details of an event, above its text."""

from Acquisition import aq_parent
from imio.website.address import address_lines
from imio.website.behaviors.event_details import event_place
from plone import api
from plone.app.layout.viewlets import ViewletBase
from plone.event.interfaces import IOccurrence


class EventDetailsViewlet(ViewletBase):
    """Place, price, accessibility and online link of an event."""

    def details(self) -> dict:
        context = self.context
        if IOccurrence.providedBy(context):
            # An occurrence of a recurring event shows the event's details.
            context = aq_parent(context)
        place = event_place(context)
        if place is not None and not api.user.has_permission("View", obj=place):
            place = None
        details = {
            "place": place
            and {
                "title": place.Title(),
                "url": place.absolute_url(),
                "address": ", ".join(address_lines(place)),
            },
            "price": getattr(context, "price", None),
            "reduced_mobility_access": getattr(
                context, "reduced_mobility_access", False
            ),
            "online_link": getattr(context, "online_link", None),
        }
        return details if any(details.values()) else {}
