"""HTTP caching that knows about opening hours: an ETag part for "open now"."""

from datetime import datetime
from imio.website.opening_hours import IOpeningHours
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import TIMEZONE
from plone import api
from plone.app.caching.interfaces import IETagValue
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


ADMINISTRATION = "services/administration"


@implementer(IETagValue)
@adapter(Interface, Interface)
class OpenNowETag:
    """Open or closed right now: a page revalidates when the doors open or close.

    Service and place pages, and the home page (the administration's block),
    say whether they are open now; that changes with the clock, not with an
    edit, so the catalog counter in Plone's ETags cannot see it.
    """

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def __call__(self):
        context = getattr(self.published, "context", None)
        if not IOpeningHours.providedBy(context):
            portal = api.portal.get()
            if context is not portal:
                return ""
            context = portal.unrestrictedTraverse(ADMINISTRATION, None)
            if context is None:
                return ""
        opened = OpeningHours.of(context).is_open(datetime.now(TIMEZONE))
        return "open" if opened else "closed"
