"""The demo content of a site whose answers ask for it, and only of such a site."""

from DateTime import DateTime
from datetime import date
from datetime import datetime
from imio.commune.cluster.cluster import instance_environment
from pathlib import Path
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.answers import stored_answers
from imio.commune.demo.builder import demo_data
from imio.commune.demo.builder import demo_items
from imio.commune.demo.builder import DemoContent
from imio.commune.demo.builder import type_fields
from imio.commune.demo.builder import RECORD_KEY
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FIXTURE
from imio.eguichet.testing import add_form
from imio.website.content.alert.banner import active_alert_brains
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import TIMEZONE
from plone import api
from plone.app.event.base import get_events
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE
from Products.CMFCore.indexing import processQueue
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite

import html
import json
import re
import requests
import shutil
import subprocess
import sys
import tempfile
import transaction
import unittest
import yaml


GESVES_PROFILE = Path(__file__).parents[4] / "profiles" / "gesves.yaml"
DEMO_SITE_ID = "namur"
DEMO_ANSWERS = {
    "site_id": DEMO_SITE_ID,
    "title": "Ville de Namur",
    "refnis": "92094",
    "contact": {"postal_code": "5000", "city": "Namur"},
    "setup_content": False,
    "demo_content": True,
}


class DemoContentLayer(PloneSandboxLayer):
    """A commune site created by the distribution with ``demo_content: true``."""

    defaultBases = (IMIO_COMMUNE_FIXTURE,)

    def setUpPloneSite(self, portal):
        from plone.distribution.api import site as site_api

        app = portal.getPhysicalRoot()
        site_api._create_site(app, "commune", complete_answers(DEMO_ANSWERS))
        # Indexed, then committed without a local site: the indexing queue
        # looks its processors up when the transaction finishes, when a
        # DemoStorage cannot load yet what the versioning's savepoints wrote.
        processQueue()
        setSite(None)
        transaction.commit()
        setSite(portal)


DEMO_CONTENT_FIXTURE = DemoContentLayer()
DEMO_CONTENT_INTEGRATION_TESTING = IntegrationTesting(
    bases=(DEMO_CONTENT_FIXTURE,), name="ImioCommuneDemoContent:Integration"
)
DEMO_CONTENT_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(DEMO_CONTENT_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioCommuneDemoContent:Functional",
)


def count(site, portal_type: str, **query) -> int:
    return len(
        site.portal_catalog.unrestrictedSearchResults(portal_type=portal_type, **query)
    )


class TestDemoContent(unittest.TestCase):
    layer = DEMO_CONTENT_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][DEMO_SITE_ID]
        setSite(self.site)

    def tearDown(self):
        setSite(self.layer["portal"])

    def test_counts_per_type(self):
        expected = {
            "Procedure": 20,
            "Person": 8,
            "Council": 2,
            "Sitting": 5,
            "Place": 4,
            "News Item": 6,
            "Event": 7,
            "Publication": 3,
            "Alert": 1,
        }
        for portal_type, number in expected.items():
            self.assertEqual(count(self.site, portal_type), number, portal_type)
        # The six services of the demo, and the administration of the answers.
        self.assertEqual(count(self.site, "Service"), 7)
        # Each publication holds its PDF.
        self.assertEqual(count(self.site, "File"), 3)

    def test_everything_is_published_and_anonymous_sees_it(self):
        record = IAnnotations(self.site)[RECORD_KEY]
        # 65 items and the PDF of each of the 3 publications.
        self.assertEqual(len(record), 68)
        for path in record:
            item = self.site.unrestrictedTraverse(path)
            # Files have no workflow: their publication shows them.
            expected = None if item.portal_type == "File" else "published"
            self.assertEqual(api.content.get_state(item, None), expected, path)
        with api.env.adopt_roles(["Anonymous"]):
            self.assertEqual(len(api.content.find(portal_type="Procedure")), 20)
            self.assertEqual(len(active_alert_brains()), 1)

    def test_procedures_are_complete_and_tagged(self):
        for brain in api.content.find(portal_type="Procedure"):
            procedure = brain.getObject()
            self.assertEqual(procedure.missing_sections(), [], brain.getPath())
            self.assertIsNotNone(procedure.responsible_service.to_object)
            self.assertTrue(procedure.taxonomy_topic, brain.getPath())
        featured = api.content.find(portal_type="Procedure", featured=True)
        self.assertGreaterEqual(len(featured), 6)

    def test_moving_house_leads_to_domiciliation_and_its_service_hours(self):
        moving = api.content.find(
            portal_type="Procedure", taxonomy_life_event="demenagement"
        )
        self.assertIn("domiciliation", [brain.getId for brain in moving])
        domiciliation = self.site["demarches"]["domiciliation"]
        service = domiciliation.responsible_service.to_object
        self.assertEqual(service.title, "Population et État civil")
        self.assertEqual((service.postal_code, service.city), ("5000", "Namur"))
        hours = OpeningHours.of(service)
        self.assertFalse(hours.is_empty())
        # A late opening on Thursday, and the next holiday ahead.
        self.assertEqual(str(hours.week[3][-1]), "13:30\u201319:00")
        today = datetime.now(TIMEZONE).date()
        self.assertTrue(hours.upcoming_closures(today))
        self.assertEqual(service.people[0].to_object.title, "Marc Lejeune")

    def test_dates_are_counted_from_the_deployment(self):
        now = datetime.now(TIMEZONE)
        self.assertEqual(len(get_events(self.site, start=now)), 7)
        upcoming = count(
            self.site, "Sitting", start={"query": DateTime(), "range": "min"}
        )
        self.assertEqual(upcoming, 3)
        market = self.site["agenda"]["marche-hebdomadaire"]
        self.assertEqual(market.recurrence, "RRULE:FREQ=WEEKLY;BYDAY=SA")
        self.assertEqual(market.start.astimezone(TIMEZONE).weekday(), 5)
        blood = self.site["agenda"]["collecte-de-sang"]
        self.assertEqual(blood.place.to_object.title, "Salle des fêtes")
        self.assertEqual(
            (blood.price, blood.reduced_mobility_access), ("Gratuit", True)
        )
        [alert] = active_alert_brains()
        self.assertGreater(alert.end - DateTime(), 360)
        news = api.content.find(portal_type="News Item", sort_on="Date")
        self.assertLess(news[0].effective, DateTime() - 29)

    def test_publications_hold_a_pdf(self):
        bulletin = self.site["ma-commune"]["publications"]["bulletin-communal"]
        document = bulletin["bulletin-communal.pdf"]
        self.assertEqual(document.file.contentType, "application/pdf")
        self.assertTrue(document.file.data.startswith(b"%PDF-1.4"))
        self.assertIn(b"(Bulletin communal) Tj", document.file.data)

    def test_online_forms_are_linked_when_installed(self):
        eguichet = self.site["e-guichet"]
        for entry in demo_data()["procedures"]["items"]:
            procedure = self.site["demarches"][entry["id"]]
            form_id = entry.get("online_form", "").rpartition("/")[2]
            linked = procedure.online_form
            if form_id and form_id in eguichet:
                self.assertEqual(linked.to_object, eguichet[form_id], entry["id"])
            else:
                self.assertIsNone(linked, entry["id"])


class TestDatesOnAFixedClock(unittest.TestCase):
    """The data's dates as a deployment on New Year's Eve computes them."""

    layer = DEMO_CONTENT_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][DEMO_SITE_ID]
        setSite(self.site)
        # A Thursday, late: tomorrow is another year.
        self.now = datetime(2026, 12, 31, 23, 30, tzinfo=TIMEZONE)
        self.demo = DemoContent(self.site, stored_answers(self.site), self.now)
        self.items = demo_items()

    def tearDown(self):
        setSite(self.layer["portal"])

    def computed(self, path: str, name: str):
        entry = self.items[path]
        _schema, field = type_fields(entry["type"])[name]
        return self.demo.value(field, entry[name], None, None)

    def test_events_stay_ahead(self):
        events = [path for path in self.items if path.startswith("agenda/")]
        self.assertEqual(len(events), 7)
        for path in events:
            start, end = self.computed(path, "start"), self.computed(path, "end")
            self.assertGreater(start, self.now, path)
            self.assertGreater(end, start, path)
        market = self.computed("agenda/marche-hebdomadaire", "start")
        self.assertEqual(market.isoformat(), "2027-01-02T08:00:00+01:00")

    def test_sittings_and_alert_in_brussels_time_as_edit_forms_give_it(self):
        sitting = self.computed(
            "vie-politique/conseil-communal/prochaine-seance", "start"
        )
        self.assertEqual(sitting, datetime(2027, 1, 14, 19, 30))
        start = self.computed("actualites/calendrier-des-collectes", "start")
        end = self.computed("actualites/calendrier-des-collectes", "end")
        self.assertEqual(start, datetime(2026, 12, 31, 23, 30))
        self.assertEqual(end, datetime(2027, 12, 31, 23, 30))

    def test_publication_day_and_closures_next_occurrence(self):
        day = self.computed(
            "ma-commune/publications/bulletin-communal", "publication_date"
        )
        self.assertEqual(day, date(2026, 12, 11))
        closures = self.computed("services/population-etat-civil", "closures")
        self.assertIn("31/12/2026-02/01/2027: Nouvel An", closures)
        self.assertIn("01/11/2027: Toussaint", closures)


class TestRedeploy(unittest.TestCase):
    layer = DEMO_CONTENT_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][DEMO_SITE_ID]
        setSite(self.site)

    def tearDown(self):
        setSite(self.layer["portal"])

    def snapshot(self) -> dict:
        return {
            brain.getPath(): brain.modified
            for brain in self.site.portal_catalog.unrestrictedSearchResults()
        }

    def test_a_second_deploy_creates_and_changes_nothing(self):
        before = self.snapshot()
        self.assertEqual(apply_answers(self.site, stored_answers(self.site)), [])
        self.assertEqual(self.snapshot(), before)

    def test_editors_changes_and_deletions_are_kept(self):
        passport = self.site["demarches"]["passeport"]
        passport.title = "Passeport biométrique"
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(self.site["actualites"]["stages-vacances"])
        self.assertEqual(apply_answers(self.site, stored_answers(self.site)), [])
        self.assertEqual(passport.title, "Passeport biométrique")
        self.assertNotIn("stages-vacances", self.site["actualites"])


class TestWithoutDemoContent(unittest.TestCase):
    layer = DEMO_CONTENT_INTEGRATION_TESTING

    def tearDown(self):
        setSite(self.layer["portal"])

    def test_a_commune_starts_clean(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        self.assertFalse(stored_answers(site)["demo_content"])
        for portal_type in ("Procedure", "Person", "News Item", "Event", "Alert"):
            self.assertEqual(count(site, portal_type), 0, portal_type)
        self.assertNotIn(RECORD_KEY, IAnnotations(site))

    def test_turning_it_on_links_the_forms_already_installed(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        with api.env.adopt_roles(["Manager"]):
            form = add_form(site["e-guichet"], form_id="composition-de-menage")
        answers = {**stored_answers(site), "demo_content": True}
        changes = apply_answers(site, answers)
        self.assertIn("contenu de démonstration (68 éléments)", changes)
        procedures = site["demarches"]
        self.assertEqual(
            procedures["composition-de-menage"].online_form.to_object, form
        )
        self.assertIsNone(procedures["reservation-salle"].online_form)
        # Gesves: the commune's own postal code and name.
        service = site["services"]["urbanisme"]
        self.assertEqual((service.postal_code, service.city), ("5340", "Gesves"))

    def test_a_profile_gives_its_own_demo_content(self):
        # Gesves, a neighbour of the demo: its profile's own events and news.
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        profile = yaml.safe_load(GESVES_PROFILE.read_text(encoding="utf-8"))
        answers = {**stored_answers(site), "demo_content": profile["demo_content"]}
        changes = apply_answers(site, answers)
        self.assertIn("contenu de démonstration (9 éléments)", changes)
        self.assertEqual(count(site, "Event"), 4)
        self.assertEqual(count(site, "News Item"), 2)
        self.assertEqual(count(site, "Procedure"), 0)
        agenda = site["agenda"]
        market = agenda["marche-du-terroir"]
        self.assertEqual(market.recurrence, "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")
        self.assertEqual(market.place.to_object.latitude, 50.4016)
        self.assertTrue(agenda["fermes-ouvertes"].whole_day)
        festival = agenda["festival-folk"]
        namur = demo_items()["agenda/festival-folk"]
        self.assertEqual(festival.title, namur["title"])
        self.assertEqual(festival.start.astimezone(TIMEZONE).strftime("%H:%M"), "14:00")
        self.assertEqual(apply_answers(site, answers), [])


def page_text(response: requests.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


class TestCitizenJourney(unittest.TestCase):
    """Home, life event "déménagement", domiciliation, its service and hours."""

    layer = DEMO_CONTENT_FUNCTIONAL_TESTING

    def setUp(self):
        self.root = f"http://{self.layer['host']}:{self.layer['port']}/{DEMO_SITE_ID}"
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "fr"

    def get(self, url: str) -> requests.Response:
        response = self.session.get(url, timeout=30)
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_from_moving_house_to_the_service_hours(self):
        home = self.get(self.root)
        self.assertIn("Changement d'adresse (domiciliation)", page_text(home))
        self.assertIn("Collectes des déchets : nouveau calendrier", page_text(home))
        moving = self.get(f"{self.root}/@@je-trouve/demenagement")
        self.assertIn(f'href="{self.root}/demarches/domiciliation"', moving.text)
        procedure = self.get(f"{self.root}/demarches/domiciliation")
        service_url = f"{self.root}/services/population-etat-civil"
        self.assertIn(f'href="{service_url}"', procedure.text)
        service = page_text(self.get(service_url))
        self.assertIn("Heures d'ouverture", service)
        self.assertIn("Jeudi 08:30\u201312:00, 13:30\u201319:00", service)
        self.assertIn("Fermetures exceptionnelles", service)

    def test_agenda_and_political_life_are_alive(self):
        agenda = page_text(self.get(f"{self.root}/agenda"))
        self.assertIn("Marché hebdomadaire", agenda)
        council = page_text(self.get(f"{self.root}/vie-politique/conseil-communal"))
        self.assertIn("Anne Dumont", council)


DEMO_PROFILE = Path(__file__).parents[4] / "profiles" / "demo.yaml"
IMIO_COMMUNE = Path(sys.executable).parent / "imio-commune"


class TestDemoProfile(unittest.TestCase):
    """`make start` deploys profiles/demo.yaml with the fleet command line."""

    def setUp(self):
        self.var = Path(tempfile.mkdtemp(prefix="imio-var-"))
        self.env = instance_environment(self.var)

    def tearDown(self):
        shutil.rmtree(self.var)

    def imio_commune(self, *args: str) -> list[dict]:
        result = subprocess.run(
            [str(IMIO_COMMUNE), "--json", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_deploying_the_demo_twice(self):
        [created] = self.imio_commune("deploy", str(DEMO_PROFILE))
        self.assertEqual((created["site"], created["résultat"]), ("demo", "créé"))
        [again] = self.imio_commune("deploy", str(DEMO_PROFILE))
        self.assertEqual(again["résultat"], "inchangé")
        [report] = self.imio_commune("report", "demo")
        contents = report["contenus"]
        self.assertEqual(contents["Procedure"], 20)
        self.assertEqual(contents["Service"], 7)
        self.assertEqual(contents["Person"], 8)
        self.assertEqual(contents["Event"], 7)
        self.assertEqual(contents["News Item"], 6)
        self.assertEqual(contents["Alert"], 1)
