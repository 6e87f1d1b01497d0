"""The commune's home page: the site root's view, built from the catalog."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from DateTime import DateTime
from imio.belgium.testing import at
from imio.website.browser import home
from imio.website.browser.home import from_index
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import fresh
from imio.website.tests.helpers import read_in
from imio.website.tests.test_procedure import COMPLETE
from imio.website.tests.test_procedure import relation_to
from imio.website.tests.test_service import HOURS
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.event.utils import dt2int
from plone.namedfile.file import NamedBlobImage
from Products.Five import BrowserView
from unittest import mock
from zope.component import getGlobalSiteManager
from zope.interface import Interface

import html
import io
import lxml.html
import PIL.Image
import pytz
import re
import transaction
import unittest


BRUSSELS = pytz.timezone("Europe/Brussels")


def brussels(moment: datetime) -> datetime:
    """An aware datetime as plone.app.event stores it (pytz, for its zone name)."""
    return BRUSSELS.localize(moment.replace(second=0, microsecond=0, tzinfo=None))


def create_event(container, title, start, hours=2, **fields):
    return api.content.create(
        container,
        "Event",
        title=title,
        start=brussels(start),
        end=brussels(start + timedelta(hours=hours)),
        **fields,
    )


def section(page: str, name: str) -> str:
    """A block of the home page, its markup on one line, or an empty string."""
    found = re.search(rf'<section class="commune-home-{name}".*?</section>', page, re.S)
    if found is None:
        return ""
    return re.sub(r"\s+>", ">", " ".join(html.unescape(found.group(0)).split()))


def parsed(page: str):
    return lxml.html.fromstring(page)


def words(element) -> str:
    return " ".join(element.text_content().split())


def cards(page: str, name: str) -> list[dict]:
    """The cards of a block as a reader sees them: title, link, date, action."""
    found = []
    for card in parsed(page).cssselect(f".commune-home-{name} .card"):
        title = card.cssselect(".card-title a")[0]
        action = card.cssselect(".commune-home-card-action")
        date = card.cssselect("time")
        found.append({
            "title": words(title),
            "url": title.get("href"),
            "action": (words(action[0]), action[0].get("href")) if action else None,
            "date": (date[0].get("datetime"), words(date[0])) if date else None,
        })
    return found


def photo(width: int = 1200, height: int = 800) -> NamedBlobImage:
    data = io.BytesIO()
    PIL.Image.new("RGB", (width, height), (0, 90, 133)).save(data, "JPEG")
    return NamedBlobImage(data=data.getvalue(), filename="place.jpg")


def build_commune(portal):
    """A site tree as the commune distribution makes it, with some content."""
    for folder_id, title in (
        ("e-guichet", "E-guichet"),
        ("actualites", "Actualités"),
        ("agenda", "Agenda"),
        ("vie-politique", "Vie politique"),
        ("services", "Services"),
    ):
        api.content.create(portal, "Folder", id=folder_id, title=title)
    api.content.create(
        portal["services"],
        "Service",
        id="administration",
        title="Administration communale",
        street="Place communale 1",
        postal_code="5000",
        city="Namur",
        phones=["081 24 60 00"],
        emails=["info@namur.be"],
        **HOURS,
    )


class MyRequests(BrowserView):
    """Stands for the e-guichet's "Mes démarches" page, which the website
    finds by its name only."""

    def __call__(self):
        return "Mes démarches"


class TestIndexedDates(unittest.TestCase):
    def test_from_index_reverses_dt2int_in_december_and_on_the_31st(self):
        for moment in (
            datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
            datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
            datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
            datetime(2027, 3, 31, 12, 0, tzinfo=UTC),
            datetime(2028, 2, 29, 7, 15, tzinfo=UTC),
        ):
            self.assertEqual(from_index(dt2int(moment)), moment)


class TestHomePage(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        # News and events are dated from now: a fixed day, far from midnight.
        clock = at(2026, 6, 17, 10, 0)
        clock.start()
        self.addCleanup(clock.stop)
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        read_in("fr", self.request)
        setRoles(self.portal, TEST_USER_ID, ["Manager"])

    def render(self) -> str:
        return self.portal.restrictedTraverse("@@commune-home")()

    def test_site_root_shows_the_home_page(self):
        self.assertEqual(self.portal.getLayout(), "commune-home")
        self.assertIn("commune-home", dict(self.portal.getAvailableLayouts()))

    def test_hero_with_the_search_box(self):
        page = parsed(self.render())
        [hero] = page.cssselect(".commune-home-hero")
        self.assertEqual(words(hero.cssselect("h1")[0]), "Plone site")
        [form] = hero.cssselect("form.commune-home-search")
        self.assertEqual(form.get("action"), "http://nohost/plone/@@recherche")
        self.assertEqual(form.get("method"), "get")
        self.assertEqual(form.get("role"), "search")
        self.assertEqual(form.get("aria-label"), "Rechercher sur le site")
        [label] = form.cssselect("label")
        [field] = form.cssselect("input")
        self.assertEqual(words(label), "Que cherchez-vous ?")
        self.assertEqual(label.get("for"), field.get("id"))
        self.assertEqual(field.get("name"), "SearchableText")
        self.assertEqual(field.get("type"), "search")
        [button] = form.cssselect("button")
        self.assertEqual(words(button), "Rechercher")
        self.assertEqual(button.get("type"), "submit")
        self.assertIn("btn-primary", button.get("class"))
        self.assertEqual(len(page.cssselect("h1")), 1)

    def test_life_events_and_audiences_as_tiles_with_icons(self):
        page = parsed(self.render())
        [life_events, audiences] = page.cssselect("nav.commune-home-tiles")
        self.assertEqual(words(life_events.cssselect("h2")[0]), "Je trouve")
        self.assertEqual(words(audiences.cssselect("h2")[0]), "Je suis")
        tiles = {
            words(tile): tile
            for tile in life_events.cssselect("a.commune-home-tile")
            + audiences.cssselect("a.commune-home-tile")
        }
        self.assertEqual(len(tiles), 21)
        moving = tiles["Déménagement"]
        self.assertEqual(
            moving.get("href"), "http://nohost/plone/@@je-trouve/demenagement"
        )
        self.assertEqual(
            tiles["Nouvel habitant"].get("href"),
            "http://nohost/plone/@@je-suis/nouvel-habitant",
        )
        [icon] = moving.cssselect("svg")
        self.assertIn("bi-truck", icon.get("class"))
        self.assertEqual(icon.get("aria-hidden"), "true")
        for title, tile in tiles.items():
            self.assertEqual(len(tile.cssselect("svg")), 1, title)

    def test_a_term_without_its_own_icon_gets_the_default_one(self):
        icons = {k: v for k, v in home.TERM_ICONS.items() if k != "voyager"}
        with mock.patch.dict(home.TERM_ICONS, icons, clear=True):
            page = parsed(self.render())
        [travel] = [
            tile
            for tile in page.cssselect("a.commune-home-tile")
            if words(tile) == "Voyager à l'étranger"
        ]
        self.assertIn("bi-signpost-2", travel.cssselect("svg")[0].get("class"))

    def test_an_empty_site_shows_no_empty_block(self):
        page = self.render()
        self.assertIn('class="commune-home"', page)
        for name in ("procedures", "eguichet", "news", "events", "contact"):
            self.assertEqual(section(page, name), "", name)

    def test_most_requested_are_the_editors_choice_with_their_online_action(self):
        form = api.content.create(
            self.portal, "Document", id="formulaire-passeport", title="Formulaire"
        )
        for title, featured, online in (
            ("Passeport", True, {"online_form": relation_to(form)}),
            (
                "Carte d'identité",
                True,
                {"online_form_url": "https://www.ibz.rrn.fgov.be/fr/"},
            ),
            ("Changement d'adresse", True, {}),
            ("Permis d'urbanisme", False, {"online_form_url": "https://x.be/"}),
        ):
            api.content.create(
                self.portal,
                "Procedure",
                title=title,
                description=f"{title} : comment la demander.",
                featured=featured,
                **online,
            )
        page = self.render()
        block = section(page, "procedures")
        self.assertIn("Démarches les plus demandées", block)
        self.assertIn("Passeport : comment la demander.", block)
        self.assertEqual(
            cards(page, "procedures"),
            [
                {
                    "title": "Carte d'identité",
                    "url": "http://nohost/plone/carte-didentite",
                    "action": (
                        "Faire la demande en ligne (Carte d'identité)",
                        "https://www.ibz.rrn.fgov.be/fr/",
                    ),
                    "date": None,
                },
                {
                    "title": "Changement d'adresse",
                    "url": "http://nohost/plone/changement-dadresse",
                    "action": None,
                    "date": None,
                },
                {
                    "title": "Passeport",
                    "url": "http://nohost/plone/passeport",
                    "action": (
                        "Faire la demande en ligne (Passeport)",
                        "http://nohost/plone/formulaire-passeport",
                    ),
                    "date": None,
                },
            ],
        )

    def test_without_a_choice_the_procedures_one_can_ask_for_online(self):
        for title, online in (
            ("Passeport", {}),
            ("Composition de ménage", {"online_form_url": "https://x.be/menage"}),
        ):
            api.content.create(self.portal, "Procedure", title=title, **online)
        shown = cards(self.render(), "procedures")
        self.assertEqual(
            [(card["title"], card["action"][1]) for card in shown],
            [("Composition de ménage", "https://x.be/menage")],
        )

    def test_all_the_procedures_link(self):
        api.content.create(self.portal, "Folder", id="demarches", title="Démarches")
        api.content.create(
            self.portal["demarches"], "Procedure", title="Passeport", featured=True
        )
        [more] = parsed(self.render()).cssselect(".commune-home-procedures .btn")
        self.assertEqual(words(more), "Toutes les démarches")
        self.assertEqual(more.get("href"), "http://nohost/plone/demarches")

    def test_eguichet_and_my_requests_entries(self):
        build_commune(self.portal)
        registry = getGlobalSiteManager()
        registry.registerAdapter(
            MyRequests, (Interface, Interface), Interface, name="mes-demarches"
        )
        self.addCleanup(
            registry.unregisterAdapter,
            MyRequests,
            (Interface, Interface),
            Interface,
            name="mes-demarches",
        )
        entries = parsed(self.render()).cssselect(".commune-home-eguichet a")
        self.assertEqual(
            [(words(entry), entry.get("href")) for entry in entries],
            [
                (
                    "E-guichet Demandez vos documents et suivez vos demandes "
                    "en ligne, à toute heure.",
                    "http://nohost/plone/e-guichet",
                ),
                (
                    "Mes démarches Suivez les demandes que vous avez faites en "
                    "ligne et répondez à la commune.",
                    "http://nohost/plone/@@mes-demarches",
                ),
            ],
        )

    def test_political_life_and_contact_with_the_hours(self):
        build_commune(self.portal)
        with at(2025, 3, 3, 10, 0):
            page = self.render()
        politics = section(page, "political-life")
        self.assertIn('href="http://nohost/plone/vie-politique"', politics)
        contact = section(page, "contact")
        self.assertIn("Contacter l'administration", contact)
        self.assertIn("<strong>Ouvert actuellement</strong>", contact)
        self.assertIn("jusqu'à 12:00", contact)
        self.assertIn("Place communale 1<br />5000 Namur", contact)
        self.assertIn(">081 24 60 00</a>", contact)
        self.assertIn('href="tel:081246000"', contact)
        self.assertIn('href="mailto:info@namur.be"', contact)
        self.assertIn('href="http://nohost/plone/services/administration"', contact)
        rows = parsed(page).cssselect(".commune-home-contact .opening-timetable tr")
        self.assertEqual(
            [words(row) for row in rows],
            [
                "Lundi 08:30–12:00, 13:00–16:30",
                "Mardi 08:30–12:00",
                "Mercredi 08:30–12:00",
                "Jeudi 08:30–12:00, 13:00–19:00",
                "Vendredi 08:30–12:00",
                "Samedi Fermé",
                "Dimanche Fermé",
            ],
        )
        with at(2025, 3, 8, 10, 0):
            contact = section(self.render(), "contact")
        self.assertIn("<strong>Fermé actuellement</strong>", contact)
        self.assertIn("lundi 10 mars à 08:30", contact)

    def test_latest_news_newest_first(self):
        build_commune(self.portal)
        now = DateTime()
        for days in range(6):
            news = api.content.create(
                self.portal["actualites"], "News Item", title=f"Nouvelle {days}"
            )
            news.setEffectiveDate(now - days)
            news.reindexObject()
        page = self.render()
        block = section(page, "news")
        shown = cards(page, "news")
        self.assertEqual(
            [card["title"] for card in shown], [f"Nouvelle {days}" for days in range(4)]
        )
        self.assertEqual(shown[0]["date"], ("2026-06-17", "17 juin 2026"))
        self.assertEqual(shown[1]["date"], ("2026-06-16", "16 juin 2026"))
        self.assertIn('/plone/actualites">Toutes les actualités', block)
        self.assertIn('/plone/actualites/rss.xml">Flux des actualités (RSS)', block)

    def test_dates_in_german(self):
        build_commune(self.portal)
        api.content.create(self.portal["actualites"], "News Item", title="Markt")
        read_in("de", self.request)
        [news] = cards(self.render(), "news")
        self.assertEqual(news["date"], ("2026-06-17", "17. Juni 2026"))

    def test_news_card_image_from_the_catalog_scales(self):
        build_commune(self.portal)
        api.content.create(
            self.portal["actualites"],
            "News Item",
            id="marche",
            title="Le marché déménage",
            image=photo(),
        )
        [image] = parsed(self.render()).cssselect(".commune-home-news .card img")
        base = "http://nohost/plone/actualites/marche/@@images/image-"
        self.assertTrue(image.get("src").startswith(base + "400-"), image.get("src"))
        self.assertEqual((image.get("width"), image.get("height")), ("400", "266"))
        widths = [candidate.split()[1] for candidate in image.get("srcset").split(", ")]
        self.assertIn("400w", widths)
        self.assertIn("800w", widths)
        self.assertIn("1200w", widths)
        self.assertNotIn("1600w", widths)
        self.assertTrue(
            all(
                candidate.startswith(base)
                for candidate in image.get("srcset").split(", ")
            )
        )
        self.assertIn("100vw", image.get("sizes"))
        self.assertEqual(image.get("alt"), "")
        self.assertEqual(image.get("loading"), "lazy")

    def test_upcoming_events_by_next_occurrence(self):
        build_commune(self.portal)
        agenda = self.portal["agenda"]
        now = datetime.now(BRUSSELS).replace(tzinfo=None)
        create_event(agenda, "Brocante passée", now - timedelta(days=3))
        create_event(agenda, "Conférence", now + timedelta(days=5), location="Salle")
        create_event(
            agenda,
            "Marché hebdomadaire",
            now - timedelta(days=14) + timedelta(hours=3),
            recurrence="RRULE:FREQ=WEEKLY;COUNT=10",
        )
        block = section(self.render(), "events")
        self.assertNotIn("Brocante passée", block)
        self.assertLess(block.index("Marché hebdomadaire"), block.index("Conférence"))
        # The market's next occurrence, not its first, two weeks ago.
        market = now + timedelta(hours=3)
        self.assertIn(f'<time datetime="{market:%Y-%m-%d}">', block)
        self.assertIn(", Salle", block)
        self.assertIn('href="http://nohost/plone/agenda">Tout l\'agenda', block)
        self.assertIn('href="http://nohost/plone/@@ics_view">Ajouter', block)

    def test_four_soonest_events_and_one_going_on(self):
        build_commune(self.portal)
        agenda = self.portal["agenda"]
        now = datetime.now(BRUSSELS).replace(tzinfo=None)
        for days in (9, 2, 7, 5, 3):
            create_event(agenda, f"Dans {days} jours", now + timedelta(days=days))
        # Started yesterday, ends tomorrow: going on, so first.
        create_event(agenda, "Exposition", now - timedelta(days=1), hours=48)
        block = section(self.render(), "events")
        shown = ["Exposition", "Dans 2 jours", "Dans 3 jours", "Dans 5 jours"]
        positions = [block.index(title) for title in shown]
        self.assertEqual(positions, sorted(positions))
        self.assertNotIn("Dans 7 jours", block)
        self.assertNotIn("Dans 9 jours", block)

    def test_next_sitting(self):
        build_commune(self.portal)
        council = api.content.create(self.portal, "Council", title="Conseil communal")
        start = datetime(2100, 1, 25, 19, 30)
        api.content.create(council, "Sitting", title="Séance de janvier", start=start)
        block = section(self.render(), "political-life")
        self.assertIn("<span>Prochaine séance :</span> <a", block)
        self.assertIn(">Séance de janvier</a>", block)
        self.assertIn("25/01/2100 19:30", block)


class TestHomePageOverHttp(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_citizens_see_published_content_only(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        build_commune(portal)
        for folder_id in ("e-guichet", "services"):
            api.content.transition(portal[folder_id], "publish")
        api.content.transition(portal["services"]["administration"], "publish")
        published_form = api.content.create(
            portal, "Document", id="formulaire-carte", title="Formulaire carte"
        )
        api.content.transition(published_form, "publish")
        private_form = api.content.create(
            portal, "Document", id="formulaire-passeport", title="Formulaire passeport"
        )
        for title, form in (("Passeport", private_form), ("Carte", published_form)):
            shown = api.content.create(
                portal,
                "Procedure",
                title=title,
                featured=True,
                online_form=relation_to(form),
                **fresh(COMPLETE),
            )
            api.content.transition(shown, "publish")
        api.content.create(portal, "Procedure", title="Brouillon", featured=True)
        transaction.commit()
        page = browser().get(portal.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            [
                (card["title"], card["action"])
                for card in cards(page.text, "procedures")
            ],
            [
                (
                    "Carte",
                    (
                        "Faire la demande en ligne (Carte)",
                        f"{portal.absolute_url()}/formulaire-carte",
                    ),
                ),
                ("Passeport", None),
            ],
        )
        self.assertNotIn("Brouillon", page.text)
        self.assertNotIn("formulaire-passeport", page.text)
        [entry] = parsed(page.text).cssselect(".commune-home-eguichet a")
        self.assertEqual(entry.get("href"), f"{portal.absolute_url()}/e-guichet")
        self.assertNotIn("actualites", section(page.text, "news"))
        self.assertIn("Administration communale", section(page.text, "contact"))
        self.assertEqual(section(page.text, "political-life"), "")

    def test_in_german(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        build_commune(portal)
        api.portal.set_registry_record("plone.default_language", "de")
        transaction.commit()
        page = browser("de", manager=True).get(portal.absolute_url(), timeout=30)
        self.assertIn("Online-Verfahren", section(page.text, "eguichet"))
        self.assertIn("Die Verwaltung kontaktieren", section(page.text, "contact"))
        [search] = parsed(page.text).cssselect(".commune-home-search button")
        self.assertEqual(words(search), "Suchen")
