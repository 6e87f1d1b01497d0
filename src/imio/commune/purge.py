"""A caching proxy in front of the site: what it keeps, and what is purged.

With ``caching_proxies`` in the commune profile, pages and folders are kept by
the proxy for ``caching_proxy_seconds`` (``s-maxage``, anonymous visitors
only) and each publish, edit or delete purges the page, its parents' listings
and the home page (for a procedure, also its CPSV-AP export and the site's
catalogue). A change to an alert, shown on every page, bans the whole
site. Without a proxy, pages are revalidated by browsers as before.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from imio.website.content.alert.content import IAlert
from imio.website.content.procedure.content import IProcedure
from plone import api
from plone.base.interfaces import IPloneSiteRoot
from plone.cachepurging.interfaces import ICachePurgingSettings
from plone.cachepurging.interfaces import IPurger
from plone.cachepurging.utils import getURLsToPurge
from plone.cachepurging.utils import isCachePurgingEnabled
from plone.registry import FieldRef
from plone.registry.interfaces import IRegistry
from plone.registry.record import Record
from Products.CMFCore.interfaces import IContentish
from z3c.caching.interfaces import IPurgePaths
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.component import getUtility
from zope.component import queryUtility
from zope.globalrequest import getRequest
from zope.interface import implementer
from ZPublisher.interfaces import IPubSuccess


PURGING = "plone.cachepurging.interfaces.ICachePurgingSettings"
MAPPING = "plone.caching.interfaces.ICacheSettings.operationMapping"
PURGED_TYPES = "plone.app.caching.interfaces.IPloneCacheSettings.purgedContentTypes"
PAGE_RULES = ("plone.content.itemView", "plone.content.folderView")
# The CPSV-AP exports: the same for everyone, negotiated by Accept (which the
# RAM cache's key leaves out), kept by the proxy only.
EXPORT_RULE = "imio.cpsv"
WEAK = "plone.app.caching.weakCaching"
MODERATE = "plone.app.caching.moderateCaching"
# Cases hold a citizen's data: never kept, so never purged.
NOT_PURGED = {"Case", "Plone Site"}
BANS = "imio.commune.bans"


def _moderate_record(registry, rule: str, option: str, value, changes: list[str]):
    """The proxy rule's option, created from plone.app.caching's own field."""
    name = f"{MODERATE}.{rule}.{option}"
    if name not in registry.records:
        base = f"{MODERATE}.{option}"
        reference = FieldRef(base, registry.records[base].field)
        registry.records[name] = Record(reference, value)
        changes.append(name)
    elif registry[name] != value:
        registry[name] = value
        changes.append(name)


def apply_caching(answers: dict, changes: list[str]) -> None:
    """Rules and purging for a site with or without a caching proxy."""
    registry = getUtility(IRegistry)
    proxies = tuple(answers.get("caching_proxies") or ())
    for name, value in (
        (f"{PURGING}.cachingProxies", proxies),
        (f"{PURGING}.enabled", bool(proxies)),
    ):
        if registry[name] != value:
            registry[name] = value
            changes.append(name)
    if proxies:
        types = tuple(
            sorted(set(api.portal.get_tool("portal_types").objectIds()) - NOT_PURGED)
        )
        if tuple(registry[PURGED_TYPES] or ()) != types:
            registry[PURGED_TYPES] = types
            changes.append(PURGED_TYPES)
        for rule in PAGE_RULES:
            # The same ETag parts as without a proxy (alerts, open now).
            etags = registry[f"{WEAK}.{rule}.etags"]
            for option, value in (
                ("smaxage", int(answers.get("caching_proxy_seconds") or 60)),
                ("etags", etags),
                ("ramCache", True),
                ("lastModified", False),
            ):
                _moderate_record(registry, rule, option, value, changes)
        for option, value in (
            ("smaxage", int(answers.get("caching_proxy_seconds") or 60)),
            ("ramCache", False),
            ("lastModified", False),
        ):
            _moderate_record(registry, EXPORT_RULE, option, value, changes)
    _map_rules(registry, bool(proxies), changes)


def _map_rules(registry, proxies: bool, changes: list[str]) -> None:
    """Pages to the proxy's operation or the browsers'; the exports to the
    proxy's, or to none without a proxy (no caching headers, as before)."""
    mapping = dict(registry[MAPPING] or {})
    wanted = dict.fromkeys(PAGE_RULES, MODERATE if proxies else WEAK)
    if proxies:
        wanted[EXPORT_RULE] = MODERATE
    changed = any(mapping.get(rule) != op for rule, op in wanted.items())
    if not proxies and EXPORT_RULE in mapping:
        del mapping[EXPORT_RULE]
        changed = True
    if changed:
        mapping.update(wanted)
        registry[MAPPING] = mapping
        changes.append(MAPPING)


@implementer(IPurgePaths)
@adapter(IContentish)
class ListingPurgePaths:
    """The listings that show an item: its parents' up to the home page."""

    def __init__(self, context):
        self.context = context

    def getRelativePaths(self):
        paths = []
        parent = aq_parent(aq_inner(self.context))
        while parent is not None and hasattr(parent, "virtual_url_path"):
            paths.append("/" + parent.virtual_url_path())
            if IPloneSiteRoot.providedBy(parent):
                break
            parent = aq_parent(aq_inner(parent))
        if IProcedure.providedBy(self.context):
            # Its CPSV-AP export and the site's catalogue that lists it.
            paths.append(f"/{self.context.virtual_url_path()}/@@cpsv-ap")
            if IPloneSiteRoot.providedBy(parent):
                paths.append(f"/{parent.virtual_url_path()}/@@cpsv-ap")
        return paths

    def getAbsolutePaths(self):
        return []


@adapter(IAlert, None)
def ban_site_on_alert_change(alert, event) -> None:
    """Every page shows the alerts: the whole site is banned after the change."""
    request = getRequest()
    if request is None or not isCachePurgingEnabled():
        return
    site = api.portal.get()
    IAnnotations(request).setdefault(BANS, set()).add("/" + site.virtual_url_path())


@adapter(IPubSuccess)
def send_bans(event) -> None:
    """After the change is committed, as plone.cachepurging sends its purges."""
    paths = IAnnotations(event.request, {}).get(BANS)
    if not paths or not isCachePurgingEnabled():
        return
    purger = queryUtility(IPurger)
    registry = getUtility(IRegistry)
    settings = registry.forInterface(ICachePurgingSettings, check=False)
    if purger is None or not settings.cachingProxies:
        return
    for path in paths:
        for url in getURLsToPurge(path, settings.cachingProxies):
            purger.purgeAsync(url, httpVerb="BAN")
