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


def _state(context) -> str:
    opened = OpeningHours.of(context).is_open(datetime.now(TIMEZONE))
    return "open" if opened else "closed"


@implementer(IETagValue)
@adapter(Interface, Interface)
class OpenNowETag:
    """Open or closed right now: a page revalidates when the doors open or close.

    Service and place pages say whether they are open now, and every page's
    footer whether the administration is; that changes with the clock, not
    with an edit, so the catalog counter in Plone's ETags cannot see it.
    """

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def __call__(self):
        context = getattr(self.published, "context", None)
        parts = [_state(context)] if IOpeningHours.providedBy(context) else []
        administration = api.portal.get().unrestrictedTraverse(ADMINISTRATION, None)
        if administration is not None and administration is not context:
            parts.append(f"administration-{_state(administration)}")
        return "-".join(parts)
