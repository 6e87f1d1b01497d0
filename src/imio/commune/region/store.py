"""The regional site's store: the communes' items and a catalog of their dates.

Items are kept by group: an event that two communes publish (same title, same
first start, accents and case aside) is one group naming both. Each group is
catalogued once per occurrence (a news item once), with every value a page
shows as metadata: the agenda renders and counts its facets without waking
anything. The store lives in the site's annotation, apart from Plone's own
catalog and content.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.belgium import get_commune
from imio.belgium.communes import arrondissement_refnis
from imio.belgium.errors import InvalidInput
from imio.commune.region.recurrence import aware
from imio.commune.region.recurrence import occurrences
from imio.commune.region.recurrence import RecurrenceError
from BTrees.IIBTree import intersection
from BTrees.IIBTree import IISet
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from Products.PluginIndexes.FieldIndex.FieldIndex import FieldIndex
from Products.PluginIndexes.KeywordIndex.KeywordIndex import KeywordIndex
from Products.ZCatalog.Catalog import Catalog
from zope.annotation.interfaces import IAnnotations

import unicodedata


STORE_KEY = "imio.commune.region.store"
DEFAULT_HORIZON_DAYS = 365
FIELD_INDEXES = ("kind", "start", "end", "free", "reduced_mobility_access", "item")
KEYWORD_INDEXES = ("communes_refnis", "arrondissements", "provinces", "topics")
KEYWORD_INDEXES += ("audiences",)
COLUMNS = (
    "item",
    "communes_refnis",
    "kind",
    "title",
    "description",
    "url",
    "start",
    "end",
    "start_local",
    "end_local",
    "whole_day",
    "open_end",
    "location",
    "place",
    "latitude",
    "longitude",
    "price",
    "free",
    "reduced_mobility_access",
    "communes",
    "arrondissements",
    "provinces",
    "topics",
    "audiences",
    "image",
    "modified",
    "recurring",
)


class Store(Persistent):
    """Groups by key, the groups of each commune's item, the occurrences' catalog."""

    def __init__(self):
        # group key -> PersistentMapping(kind, entries: {(refnis, uid): entry},
        # communes: {refnis: commune}, dates: number catalogued)
        self.groups = OOBTree()
        # (refnis, uid) -> group key
        self.sources = OOBTree()
        self.catalog = Catalog()
        for name in FIELD_INDEXES:
            self.catalog.addIndex(name, FieldIndex(name))
        for name in KEYWORD_INDEXES:
            self.catalog.addIndex(name, KeywordIndex(name))
        for name in COLUMNS:
            self.catalog.addColumn(name)


def get_store(site, create: bool = False) -> Store | None:
    annotations = IAnnotations(site)
    store = annotations.get(STORE_KEY)
    if store is None and create:
        store = annotations[STORE_KEY] = Store()
    return store


class Occurrence:
    """What the catalog reads of one date of a group (or of a news item)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def group_key(refnis: str, entry: dict) -> str:
    """Events of several communes with one title and first start: one group."""
    if entry.get("type") == "event":
        start = aware(entry.get("start"))
        moment = utc(start) if start else ""
        return f"event|{plain(entry.get('title', ''))}|{moment}"
    return f"news|{refnis}|{entry['uid']}"


def commune_record(commune: dict) -> dict:
    """The commune as the region names it, with its arrondissement and province."""
    refnis = str(commune.get("refnis", ""))
    record = {
        "refnis": refnis,
        "title": commune.get("title") or refnis,
        "url": commune.get("url") or "",
        "arrondissement": "",
        "province": "",
    }
    try:
        known = get_commune(refnis)
    except InvalidInput:
        return record
    record["arrondissement"] = arrondissement_refnis(refnis) or ""
    record["province"] = known.province_refnis or ""
    return record


def horizon_days(site) -> int:
    # Imported here: the answers import this module to set a regional site up.
    from imio.commune.answers import stored_answers

    answers = stored_answers(site) or {}
    return int(answers.get("horizon_days") or DEFAULT_HORIZON_DAYS)


def store_entries(site, commune: dict, entries: list[dict], now: datetime) -> dict:
    """Bring the commune's items in line with feed entries; what changed.

    Every event is expanded before anything is written for it: a rule that
    cannot be expanded leaves the item out (and out of the region if it was
    there), named in ``refused``.
    """
    store = get_store(site, create=True)
    record = commune_record(commune)
    until = now + timedelta(days=horizon_days(site))
    counts = {"created": 0, "updated": 0, "withdrawn": 0, "refused": []}
    touched = set()
    # Each event's dates, worked out once: checked here, catalogued below.
    expansions = {}
    for entry in entries:
        if entry.get("uid"):
            store_one(store, record, entry, (now, until), counts, touched, expansions)
    for key in touched:
        reindex_group(store, key, now, until, expansions)
    return counts


def store_one(store, record, entry, window, counts, touched, expansions) -> None:
    """One entry of the commune's feed into its group, counted."""
    refnis, uid = record["refnis"], entry["uid"]
    source = (refnis, uid)
    previous = store.sources.get(source)
    if entry.get("withdrawn"):
        if previous is not None:
            leave(store, source, previous)
            touched.add(previous)
            counts["withdrawn"] += 1
        return
    if entry.get("type") == "event":
        try:
            expansions[source] = expand(entry, *window)
        except (RecurrenceError, ValueError, TypeError) as exc:
            counts["refused"].append((entry.get("title", uid), str(exc)))
            if previous is not None:
                leave(store, source, previous)
                touched.add(previous)
            return
    key = group_key(refnis, entry)
    if previous is not None and previous != key:
        leave(store, source, previous)
        touched.add(previous)
    group = store.groups.get(key)
    if group is None:
        group = store.groups[key] = PersistentMapping(
            kind=entry.get("type", "news"), entries={}, communes={}, dates=0
        )
    group["entries"] = {**group["entries"], source: dict(entry)}
    group["communes"] = {**group["communes"], refnis: record}
    store.sources[source] = key
    touched.add(key)
    counts["updated" if previous is not None else "created"] += 1


def leave(store: Store, source: tuple, key: str) -> None:
    """The commune's item leaves its group; the group stays with the others."""
    del store.sources[source]
    group = store.groups.get(key)
    if group is None:
        return
    entries = dict(group["entries"])
    entries.pop(source, None)
    group["entries"] = entries
    refnis_left = {each for each, _uid in entries}
    group["communes"] = {
        refnis: commune
        for refnis, commune in group["communes"].items()
        if refnis in refnis_left
    }


def expand(entry: dict, now: datetime, until: datetime) -> list:
    """The event's dates that end after now, up to the horizon."""
    start, end = aware(entry.get("start")), aware(entry.get("end"))
    if start is None:
        raise RecurrenceError("événement sans date de début.")
    dates = occurrences(
        start,
        end or start,
        entry.get("recurrence") or "",
        entry.get("timezone"),
        bool(entry.get("whole_day")),
        until,
    )
    return [(first, last) for first, last in dates if last >= now]


def uncatalog(store: Store, key: str, group) -> None:
    for number in range(group.get("dates", 0)):
        store.catalog.uncatalogObject(f"{key}#{number}")
    group["dates"] = 0


def reindex_group(
    store: Store, key: str, now: datetime, until: datetime, expansions=None
) -> None:
    """The group's dates in the catalog, as its entries say them now.

    ``expansions``: dates already worked out, by (refnis, uid).
    """
    group = store.groups.get(key)
    if group is None:
        return
    uncatalog(store, key, group)
    if not group["entries"]:
        del store.groups[key]
        return
    values = group_values(key, group)
    if group["kind"] == "event":
        source = min(group["entries"])
        dates = (expansions or {}).get(source)
        if dates is None:
            dates = expand(group["entries"][source], now, until)
    else:
        moment = aware(values["effective"]) or aware(values["modified"]) or now
        dates = [(moment, moment)]
    for number, (first, last) in enumerate(dates):
        store.catalog.catalogObject(
            Occurrence(
                **values,
                start=utc(first),
                end=utc(last),
                start_local=first.isoformat(),
                end_local=last.isoformat(),
            ),
            f"{key}#{number}",
        )
    group["dates"] = len(dates)


def group_values(key: str, group) -> dict:
    """What every date of the group shows: the first commune's entry, all communes."""
    sources = sorted(group["entries"])
    entry = group["entries"][sources[0]]
    communes = []
    for refnis in sorted(group["communes"]):
        commune = group["communes"][refnis]
        item_url = next(
            (
                group["entries"][each].get("url")
                for each in sources
                if each[0] == refnis
            ),
            commune["url"],
        )
        communes.append({
            "refnis": refnis,
            "title": commune["title"],
            "url": item_url or commune["url"],
        })
    place = entry.get("place") or None
    topics, audiences = set(), set()
    for each in sources:
        topics.update(group["entries"][each].get("topics") or ())
        audiences.update(group["entries"][each].get("audiences") or ())
    return {
        "item": key,
        "kind": group["kind"],
        "title": entry.get("title", ""),
        "description": entry.get("description", ""),
        "url": entry.get("url", ""),
        "whole_day": bool(entry.get("whole_day")),
        "open_end": bool(entry.get("open_end")),
        "location": entry.get("location") or "",
        "place": dict(place) if place else None,
        "latitude": number_or_none((place or {}).get("latitude")),
        "longitude": number_or_none((place or {}).get("longitude")),
        "price": entry.get("price") or "",
        "free": entry.get("free"),
        "reduced_mobility_access": bool(entry.get("reduced_mobility_access")),
        "communes": communes,
        "communes_refnis": [each["refnis"] for each in communes],
        "arrondissements": sorted({
            commune["arrondissement"]
            for commune in group["communes"].values()
            if commune["arrondissement"]
        }),
        "provinces": sorted({
            commune["province"]
            for commune in group["communes"].values()
            if commune["province"]
        }),
        "topics": sorted(topics),
        "audiences": sorted(audiences),
        "image": entry.get("image"),
        "modified": entry.get("modified"),
        "effective": entry.get("effective"),
        "recurring": bool(entry.get("recurrence")),
    }


def number_or_none(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def remove_commune(site, refnis: str) -> int:
    """Every item of the commune leaves the region; how many."""
    store = get_store(site)
    if store is None:
        return 0
    now = datetime.now(UTC)
    until = now + timedelta(days=horizon_days(site))
    sources = [source for source in list(store.sources) if source[0] == refnis]
    touched = set()
    for source in sources:
        key = store.sources[source]
        leave(store, source, key)
        touched.add(key)
    for key in touched:
        reindex_group(store, key, now, until)
    return len(sources)


def drop_past(site, now: datetime) -> int:
    """Dates over before now leave the catalog; the groups of events re-expanded."""
    store = get_store(site)
    if store is None:
        return 0
    over = store.catalog.__of__(site).searchResults(
        kind="event", end={"query": utc(now), "range": "max"}
    )
    keys = {brain.item for brain in over}
    until = now + timedelta(days=horizon_days(site))
    for key in keys:
        reindex_group(store, key, now, until)
    return len(keys)


def item_count(site) -> int:
    store = get_store(site)
    return len(store.groups) if store is not None else 0


def search(site, *, limit: int | None = None, reverse: bool = False, **criteria):
    """The catalogued dates that match, sorted by start; brains with metadata.

    An event is in the range when it ends after ``start_from`` and starts
    before ``start_to``. Several values of one facet match any of them.
    Criteria: ``kind`` ("event" by default), ``start_from``, ``start_to``,
    ``communes``, ``arrondissements``, ``provinces``, ``topics``,
    ``audiences``, ``free``, ``reduced_mobility_access``.
    """
    store = get_store(site)
    if store is None:
        return []
    query = catalog_query(**criteria)
    query["sort_on"] = "start"
    if reverse:
        query["sort_order"] = "descending"
    if limit:
        query["sort_limit"] = limit
    # Brains are wrapped in the catalog's parent: the site.
    results = store.catalog.__of__(site).searchResults(query)
    return results[:limit] if limit else results


def catalog_query(
    *,
    kind: str = "event",
    start_from: datetime | None = None,
    start_to: datetime | None = None,
    communes=(),
    arrondissements=(),
    provinces=(),
    topics=(),
    audiences=(),
    free=None,
    reduced_mobility_access=None,
) -> dict:
    query = {"kind": kind}
    if start_from is not None:
        query["end"] = {"query": utc(start_from), "range": "min"}
    if start_to is not None:
        query["start"] = {"query": utc(start_to), "range": "max"}
    for name, values in (
        ("communes_refnis", communes),
        ("arrondissements", arrondissements),
        ("provinces", provinces),
        ("topics", topics),
        ("audiences", audiences),
    ):
        if values:
            query[name] = list(values)
    if free is not None:
        query["free"] = free
    if reduced_mobility_access is not None:
        query["reduced_mobility_access"] = reduced_mobility_access
    return query


def facet_counts(site, columns, **criteria) -> dict[str, dict]:
    """For each indexed column, its values' numbers of matching dates.

    Counted in the indexes (one intersection of sets per value), without
    reading any date's metadata: each value comes with the number and the
    record id of one of its dates, ``{value: (count, rid)}``.
    """
    store = get_store(site)
    if store is None:
        return {column: {} for column in columns}
    results = store.catalog.searchResults(catalog_query(**criteria))
    rids = IISet(getattr(results, "_seq", None) or ())
    counts = {}
    for column in columns:
        found = {}
        for value, dates in store.catalog.indexes[column]._index.items():
            if isinstance(dates, int):
                if dates in rids:
                    found[value] = (1, dates)
                continue
            matching = intersection(rids, dates)
            if matching:
                found[value] = (len(matching), matching[0])
        counts[column] = found
    return counts


def metadata(site, rid: int) -> dict:
    """The metadata of one catalogued date."""
    return get_store(site).catalog.getMetadataForRID(rid)
