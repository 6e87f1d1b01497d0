"""HTTP caching that knows about alerts: an ETag part that changes with them."""

from imio.website.content.alert.banner import active_alert_brains
from plone.app.caching.interfaces import IETagValue
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


@implementer(IETagValue)
@adapter(Interface, Interface)
class ActiveAlertsETag:
    """Which alerts are showing: a page revalidates when one starts or ends.

    Alerts start and end with time, not with an edit, so the catalog counter
    that Plone puts in its ETags does not change when the banner does.
    """

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def __call__(self):
        return ".".join(sorted(brain.UID for brain in active_alert_brains()))
