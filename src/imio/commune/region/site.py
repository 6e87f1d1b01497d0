"""The regional site: a marker, the agenda as its home page, and its store."""

from imio.commune.region.interfaces import IRegionSite
from imio.commune.region.store import get_store
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
