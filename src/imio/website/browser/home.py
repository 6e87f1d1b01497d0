"""The home page of a commune site, composed from catalog queries."""

from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from DateTime import DateTime
from imio.website import _
from imio.website.address import address_lines
from imio.website.content.council.view import sittings
from imio.website.content.service.view import phone_links
from imio.website.opening_hours import TIMEZONE
from plone import api
from plone.event.interfaces import IEvent
from plone.event.utils import dt2int
from plone.memoize import ram
from Products.Five import BrowserView
from zope.component import getMultiAdapter
from zope.component import queryMultiAdapter
from zope.i18n import translate


MOST_REQUESTED = 8
LATEST_NEWS = 4
UPCOMING_EVENTS = 4

# Sections that the commune distribution creates at the root of the site.
EGUICHET = "e-guichet"
PROCEDURES = "demarches"
NEWS = "actualites"
AGENDA = "agenda"
POLITICAL_LIFE = "vie-politique"
ADMINISTRATION = ("services", "administration")
# The e-guichet's pages, found by name: the website never imports it.
MY_REQUESTS = "mes-demarches"
# Sections that the distribution adds after the agenda, views found by name:
# the commune's neighbours' events ("Autour de chez vous").
AFTER_AGENDA = ("commune-home-nearby",)

# Bootstrap icons that Plone serves (plone.staticresources), one per term of
# the "Je trouve" and "Je suis" taxonomies; a term added later gets DEFAULT_ICON.
TERM_ICONS = {
    "naissance": "balloon-heart",
    "demenagement": "truck",
    "mariage-et-cohabitation": "hearts",
    "separation": "heartbreak",
    "deces": "flower1",
    "construire-et-renover": "hammer",
    "perdre-ses-documents": "person-vcard",
    "voyager": "airplane",
    "emploi": "briefcase",
    "creer-une-entreprise": "shop",
    "scolarite": "backpack",
    "pension": "piggy-bank",
    "citoyen": "person",
    "nouvel-habitant": "house-heart",
    "parent": "people",
    "jeune": "mortarboard",
    "senior": "person-standing",
    "personne-handicapee": "person-wheelchair",
    "entreprise": "building",
    "association": "people-fill",
    "touriste": "camera",
}
DEFAULT_ICON = "signpost-2"

# Icons as inline SVG, by name: Plone's own files, read once a process.
_SVG = {}

# A card's image: its scales up to this width, the one nearest CARD_WIDTH first.
CARD_WIDTH = 400
LARGEST_SCALE = 1200
CARD_SIZES = "(min-width: 992px) 25vw, (min-width: 576px) 50vw, 100vw"

MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)


def from_index(value: int) -> datetime:
    """The UTC minute that plone.event's dt2int stored in a date index.

    dt2int packs ((year * 12 + month) * 31 + day) * 1440 + minutes; its inverse,
    int2dt, fails for December and the 31st, whose fields carry over.
    """
    days, minutes = divmod(value, 24 * 60)
    months, day = divmod(days, 31)
    if day == 0:
        months, day = months - 1, 31
    year, month = divmod(months, 12)
    if month == 0:
        year, month = year - 1, 12
    return datetime(year, month, day, tzinfo=UTC) + timedelta(minutes=minutes)


def _visitors_key(method, view):
    """What the home page's lists show a visitor depends on, to the minute.

    The site's address and language, its content (the catalog's counter
    changes with every indexed change: a procedure published, an event
    moved, a service's hours edited) and the minute in Brussels (what is
    upcoming, open now, published from its date); a change that the catalog
    does not see (a taxonomy's labels) shows from the next minute.
    Signed-in readers may see more than visitors: their lists are not kept.
    """
    if view.visitor_state is None:
        view.visitor_state = (
            api.user.is_anonymous(),
            view.context.absolute_url(),
            view.request.get("LANGUAGE"),
            api.portal.get_tool("portal_catalog").getCounter(),
            datetime.now(TIMEZONE).strftime("%Y-%m-%d %H:%M"),
        )
    anonymous, *state = view.visitor_state
    if not anonymous:
        raise ram.DontCache
    return (method.__name__, *state)


def link(item) -> dict:
    return {
        "title": item.Title(),
        "description": item.Description(),
        "url": item.absolute_url(),
    }


def card_image(brain) -> dict | None:
    """The lead image of a listed item from its catalog scales, or None."""
    scales = getattr(brain, "image_scales", None)
    images = scales.get("image") if isinstance(scales, Mapping) else None
    if not images:
        return None
    image = images[0]
    base = brain.getURL()
    candidates = [
        scale
        for scale in image.get("scales", {}).values()
        if scale["width"] <= LARGEST_SCALE
    ]
    if not candidates:
        candidates = [image]
    candidates.sort(key=lambda scale: scale["width"])
    shown = min(candidates, key=lambda scale: abs(scale["width"] - CARD_WIDTH))
    return {
        "src": f"{base}/{shown['download']}",
        "width": shown["width"],
        "height": shown["height"],
        "srcset": ", ".join(
            f"{base}/{scale['download']} {scale['width']}w" for scale in candidates
        ),
        "sizes": CARD_SIZES,
    }


class CommuneHomeView(BrowserView):
    """Search, online procedures, life events and audiences, news and contact.

    Its template reads these dictionaries with python: expressions rather than
    paths: a path walks Zope's traversal for each key, which for the tiles and
    cards cost as much as the catalog queries.
    """

    def __init__(self, context, request):
        super().__init__(context, request)
        self.language = None
        self.months = {}
        self.visitor_state = None

    def _(self, message) -> str:
        # The page's language once, rather than negotiated again for each label.
        if self.language is None:
            self.language = api.portal.get_current_language(context=self.context)
        return translate(message, context=self.request, target_language=self.language)

    def day(self, moment: datetime) -> dict:
        """A date as people read it in Brussels ("17 juin 2026"), and as machines do."""
        local = moment.astimezone(TIMEZONE)
        month = self.months.get(local.month)
        if month is None:
            month = self.months[local.month] = self._(MONTHS[local.month - 1])
        label = self._(
            _(
                "${day} ${month} ${year}",
                mapping={"day": local.day, "month": month, "year": local.year},
            )
        )
        return {"label": label, "iso": local.date().isoformat()}

    def visible(self, *path: str):
        """An item of the site the reader may see, by its path from the root."""
        item = self.context
        for name in path:
            contents = getattr(item, "get", None)
            item = contents(name) if contents is not None else None
            if item is None:
                return None
        if not api.user.has_permission("View", obj=item):
            return None
        return item

    def section(self, name: str) -> dict | None:
        item = self.visible(name)
        return link(item) if item is not None else None

    def search_url(self) -> str:
        return f"{self.context.absolute_url()}/@@recherche"

    def icon(self, name: str) -> str:
        """A Bootstrap icon as inline SVG, hidden from screen readers."""
        if name not in _SVG:
            resolver = getMultiAdapter(
                (self.context, self.request), name="iconresolver"
            )
            svg = resolver.tag(name, tag_class="commune-home-icon")
            _SVG[name] = svg.replace(
                "<svg ", '<svg aria-hidden="true" focusable="false" ', 1
            )
        return _SVG[name]

    @ram.cache(_visitors_key)
    def tile_groups(self) -> list[dict]:
        """Tiles of the life events ("Je trouve") and audiences ("Je suis")."""
        return [
            self.tiles("life-events", "je-trouve"),
            self.tiles("audiences", "je-suis"),
        ]

    def tiles(self, group: str, view_name: str) -> dict:
        navigation = getMultiAdapter((self.context, self.request), name=view_name)
        url = navigation.url()
        return {
            "id": group,
            "heading": navigation.heading(),
            "url": url,
            "terms": [
                {
                    "title": title,
                    "url": f"{url}/{term}",
                    "icon": self.icon(TERM_ICONS.get(term, DEFAULT_ICON)),
                }
                for term, title in navigation.terms().items()
            ],
        }

    def online_forms(self, links: list) -> dict[str, str]:
        """Address of each e-guichet form the reader may open, by its UID."""
        uids = [link["uid"] for link in links if link and "uid" in link]
        if not uids:
            return {}
        return {brain.UID: brain.getURL() for brain in api.content.find(UID=uids)}

    @ram.cache(_visitors_key)
    def most_requested(self) -> list[dict]:
        """The editors' choice of procedures, else those one can ask for online."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog(
            portal_type="Procedure",
            featured=True,
            sort_on="sortable_title",
            sort_limit=MOST_REQUESTED,
        )[:MOST_REQUESTED]
        if not brains:
            brains = [
                brain
                for brain in catalog(portal_type="Procedure", sort_on="sortable_title")
                if getattr(brain, "online_form_link", None)
            ][:MOST_REQUESTED]
        links = [getattr(brain, "online_form_link", None) or {} for brain in brains]
        forms = self.online_forms(links)
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "online_form": forms.get(link.get("uid")) or link.get("url"),
            }
            for brain, link in zip(brains, links, strict=True)
        ]

    def online_services(self) -> list[dict]:
        """The e-guichet's entry and "Mes démarches", when the site has them."""
        entries = []
        eguichet = self.visible(EGUICHET)
        if eguichet is not None:
            entries.append({
                "id": "eguichet",
                "title": eguichet.Title(),
                "description": self._(
                    _("Ask for documents and follow your requests online, at any time.")
                ),
                "url": eguichet.absolute_url(),
                "icon": self.icon("pc-display"),
            })
        if queryMultiAdapter((self.context, self.request), name=MY_REQUESTS):
            entries.append({
                "id": "my-requests",
                "title": self._(_("My requests")),
                "description": self._(
                    _("Follow the requests you made online and answer the commune.")
                ),
                "url": f"{self.context.absolute_url()}/@@{MY_REQUESTS}",
                "icon": self.icon("person-check"),
            })
        return entries

    @ram.cache(_visitors_key)
    def latest_news(self) -> list[dict]:
        # Date: the publication date, or the last change of a draft.
        brains = api.content.find(
            portal_type="News Item",
            sort_on="Date",
            sort_order="descending",
            sort_limit=LATEST_NEWS,
        )
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "date": self.day(DateTime(brain.Date).asdatetime()),
                "image": card_image(brain),
            }
            for brain in brains[:LATEST_NEWS]
        ]

    @ram.cache(_visitors_key)
    def upcoming_events(self) -> list[dict]:
        """Events still to come or going on, by their next occurrence.

        As plone.app.event's ``get_events`` orders them, but reading only the
        start and end indexes of each event (it reads every index of each):
        those hold every occurrence, so no event is woken up either.
        """
        now = datetime.now(TIMEZONE)
        after = dt2int(now)
        catalog = api.portal.get_tool("portal_catalog")
        start_index = catalog._catalog.getIndex("start")
        end_index = catalog._catalog.getIndex("end")
        root = api.portal.get_navigation_root(self.context)
        brains = catalog(
            object_provides=IEvent.__identifier__,
            end={"query": now, "range": "min"},
            path="/".join(root.getPhysicalPath()),
        )
        upcoming = []
        for brain in brains:
            rid = brain.getRID()
            occurrences = zip(
                sorted(start_index.getEntryForObject(rid, ())),
                sorted(end_index.getEntryForObject(rid, ())),
                strict=False,
            )
            starts = [start for start, end in occurrences if end >= after]
            if starts:
                upcoming.append((min(starts), brain))
        upcoming.sort(key=lambda pair: pair[0])
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "date": self.day(from_index(start)),
                "location": brain.location or "",
                "image": card_image(brain),
            }
            for start, brain in upcoming[:UPCOMING_EVENTS]
        ]

    def after_agenda(self) -> str:
        """The sections of AFTER_AGENDA that are registered, rendered."""
        rendered = []
        for name in AFTER_AGENDA:
            view = queryMultiAdapter((self.context, self.request), name=name)
            if view is not None:
                rendered.append(view())
        return "".join(rendered)

    def procedures_section(self) -> dict | None:
        return self.section(PROCEDURES)

    def news_section(self) -> dict | None:
        return self.section(NEWS)

    def agenda_section(self) -> dict | None:
        return self.section(AGENDA)

    def political_life(self) -> dict | None:
        return self.section(POLITICAL_LIFE)

    @ram.cache(_visitors_key)
    def next_sitting(self) -> dict | None:
        upcoming = sittings(self.context, upcoming=True)
        return upcoming[0] if upcoming else None

    @ram.cache(_visitors_key)
    def administration(self) -> dict | None:
        """The administration's contact, its week and whether it is open now."""
        service = self.visible(*ADMINISTRATION)
        if service is None or service.portal_type != "Service":
            return None
        hours = getMultiAdapter((service, self.request), name="opening-hours")
        empty = hours.hours.is_empty()
        return {
            **link(service),
            "address": address_lines(service),
            "phones": phone_links(service.phones),
            "emails": list(service.emails or []),
            "status": None if empty else hours.status(),
            "timetable": [] if empty else hours.timetable(),
        }

    def intro(self) -> str | None:
        """The site's own text, which editors write on the site root."""
        text = getattr(self.context, "text", None)
        if text is None or not text.raw.strip():
            return None
        return text.output_relative_to(self.context)
