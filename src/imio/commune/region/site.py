"""The regional site: a marker, the agenda as its home page, and its store."""

from imio.commune.region.interfaces import IRegionSite
from imio.commune.region.store import get_store
from imio.commune.purge import BANS
from plone import api
from plone.cachepurging.utils import isCachePurgingEnabled
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest
from zope.interface import alsoProvides


LAYOUT = "agenda"


def is_region(site) -> bool:
    return site is not None and IRegionSite.providedBy(site)


def apply_region(site, changes: list[str]) -> None:
    """Mark the site as a regional agenda, its home page the agenda, its store."""
    if not IRegionSite.providedBy(site):
        alsoProvides(site, IRegionSite)
        changes.append("agenda régional")
    if site.getLayout() != LAYOUT:
        site.setLayout(LAYOUT)
        changes.append(f"page d'accueil : {LAYOUT}")
    if get_store(site) is None:
        get_store(site, create=True)
        changes.append("réserve de l'agenda régional")


def shown_anew(site) -> None:
    """What visitors see of the site changed outside Plone's catalog.

    The catalog's counter is part of the pages' cache keys and ETags
    (plone.app.caching), so that no cached page outlives the change; with a
    caching proxy, the site's pages are banned once the change is committed.
    """
    api.portal.get_tool("portal_catalog")._increment_counter()
    request = getRequest()
    if request is not None and isCachePurgingEnabled():
        IAnnotations(request).setdefault(BANS, set()).add("/" + site.virtual_url_path())
