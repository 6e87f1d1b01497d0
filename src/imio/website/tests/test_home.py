"""The commune's home page: the site root's view, built from the catalog."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from DateTime import DateTime
from imio.belgium.testing import at
from imio.website.browser.home import from_index
from imio.website.opening_hours import TIMEZONE
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import fresh
from imio.website.tests.helpers import read_in
from imio.website.tests.test_procedure import COMPLETE
from imio.website.tests.test_service import HOURS
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.event.utils import dt2int

import html
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

    def test_entries_by_life_event_and_by_audience(self):
        page = " ".join(self.render().split())
        self.assertIn(
            '<a href="http://nohost/plone/@@je-trouve/demenagement">Déménagement</a>',
            page,
        )
        self.assertIn("http://nohost/plone/@@je-suis/", page)

    def test_an_empty_site_shows_no_empty_block(self):
        page = self.render()
        self.assertIn('class="commune-home"', page)
        for name in ("procedures", "eguichet", "news", "events", "contact"):
            self.assertEqual(section(page, name), "", name)

    def test_featured_procedures_only_by_title(self):
        for title, featured in (
            ("Passeport", True),
            ("Carte d'identité", True),
            ("Permis d'urbanisme", False),
        ):
            api.content.create(
                self.portal,
                "Procedure",
                title=title,
                description=f"{title} : comment la demander.",
                featured=featured,
            )
        block = section(self.render(), "procedures")
        self.assertIn('<h2 id="commune-home-procedures-title">', block)
        self.assertIn("Démarches les plus demandées", block)
        self.assertIn(">Carte d'identité</a>", block)
        self.assertIn("Passeport : comment la demander.", block)
        self.assertNotIn("Permis d'urbanisme", block)
        self.assertLess(block.index("Carte d'identité"), block.index("Passeport"))

    def test_eguichet_political_life_and_contact_sections(self):
        build_commune(self.portal)
        with at(2025, 3, 3, 10, 0):
            page = self.render()
        eguichet = section(page, "eguichet")
        self.assertIn('href="http://nohost/plone/e-guichet">E-guichet</a>', eguichet)
        politics = section(page, "political-life")
        self.assertIn('href="http://nohost/plone/vie-politique"', politics)
        contact = section(page, "contact")
        self.assertIn("Contacter l'administration", contact)
        self.assertIn("<strong>Ouvert actuellement</strong>", contact)
        self.assertIn("jusqu'à 12:00", contact)
        self.assertIn("Place communale 1<br />5000 Namur", contact)
        self.assertIn('<a href="tel:081246000">081 24 60 00</a>', contact)
        self.assertIn('<a href="mailto:info@namur.be">info@namur.be</a>', contact)
        self.assertIn('href="http://nohost/plone/services/administration"', contact)
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
        block = section(self.render(), "news")
        titles = re.findall(r">(Nouvelle \d)</a>", block)
        self.assertEqual(titles, [f"Nouvelle {days}" for days in range(4)])
        today = datetime.now(TIMEZONE)
        self.assertIn(f'<time datetime="{today:%Y-%m-%d}">{today:%d/%m/%Y}<', block)
        self.assertIn('/plone/actualites">Toutes les actualités', block)
        self.assertIn('/plone/actualites/rss.xml">Flux des actualités (RSS)', block)

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
        shown = api.content.create(
            portal, "Procedure", title="Passeport", featured=True, **fresh(COMPLETE)
        )
        api.content.transition(shown, "publish")
        api.content.create(portal, "Procedure", title="Brouillon", featured=True)
        transaction.commit()
        page = browser().get(portal.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn(">Passeport</a>", section(page.text, "procedures"))
        self.assertNotIn("Brouillon", page.text)
        self.assertIn(">E-guichet</a>", section(page.text, "eguichet"))
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
