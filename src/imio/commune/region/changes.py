"""A commune's change log of events and news, for the regional agenda.

Each add, edit, workflow transition, move or delete of an event or a news item
takes the next sequence number in its site's log, under the item's UID. The
log holds UIDs only, never content: what an item is now (published or
withdrawn) is read from the catalog when ``@region-changes`` is asked. It is
kept on every commune site, whether it takes part in a region or not, so that
a commune that joins one later has nothing to catch up on.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from imio.commune.library.changelog import ChangeLog
from Products.CMFCore.utils import getToolByName
from plone.base.interfaces import IPloneSiteRoot
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations


LOG_KEY = "imio.commune.region.changes"
# The library's log keeps one lane per language; this one has a single lane.
LANE = "items"
PORTAL_TYPES = ("Event", "News Item")


def region_log(site, create: bool = False) -> ChangeLog | None:
    annotations = IAnnotations(site)
    log = annotations.get(LOG_KEY)
    if log is None and create:
        log = annotations[LOG_KEY] = ChangeLog()
    return log


def site_of(obj):
    """The Plone site holding ``obj`` (or ``obj`` itself), None when unplaced."""
    while obj is not None:
        if IPloneSiteRoot.providedBy(obj):
            return obj
        obj = aq_parent(aq_inner(obj))
    return None


def uid_of(item) -> str | None:
    return IUUID(item, None) or None


def record(site, item) -> None:
    """A change of the item in the site's log."""
    uid = uid_of(item)
    if site is None or uid is None:
        return
    region_log(site, create=True).record(LANE, uid)


def item_moved(item, event) -> None:
    """Added, moved or deleted: logged where it was and where it is now."""
    old = site_of(event.oldParent) if event.oldParent is not None else None
    new = site_of(event.newParent) if event.newParent is not None else None
    if old is not None:
        record(old, item)
    if new is not None and aq_base(new) is not aq_base(old):
        record(new, item)


def item_changed(item, event) -> None:
    """Edited or transitioned."""
    record(site_of(item), item)


def seed_changes(site, changes: list[str]) -> None:
    """Log the events and news an older site had before it kept the log."""
    log = region_log(site)
    catalog = getToolByName(site, "portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type=PORTAL_TYPES,
        path="/".join(site.getPhysicalPath()),
        sort_on="modified",
    )
    missing = [
        brain.UID for brain in brains if not log or not log.knows(LANE, brain.UID)
    ]
    if not missing:
        return
    log = region_log(site, create=True)
    for uid in missing:
        log.record(LANE, uid)
    changes.append(LOG_KEY)
