"""Every website type over plone.restapi, and the opening hours endpoint."""

from datetime import date
from datetime import datetime
from imio.belgium.testing import at
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import base64
import pytz
import transaction
import unittest


BRUSSELS = pytz.timezone("Europe/Brussels")
# The smallest valid GIF: one transparent pixel.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
USE_REST_API = "plone.restapi: Use REST API"


def relation(target) -> RelationValue:
    return RelationValue(getUtility(IIntIds).getId(target))


def build_site(portal) -> dict:
    """One published item of each type, related to each other."""
    setRoles(portal, TEST_USER_ID, ["Manager"])
    content = {}
    content["person"] = api.content.create(
        portal,
        "Person",
        id="marie-dupont",
        title="Marie Dupont",
        position="mayor",
        party="Liste du Bourgmestre",
        powers=["Police", "État civil"],
        phone="081 24 60 01",
        email="marie.dupont@namur.be",
        photo=NamedBlobImage(data=PIXEL, filename="marie.gif"),
    )
    content["place"] = api.content.create(
        portal,
        "Place",
        id="salle",
        title="Salle des fêtes",
        street="Rue du Centre 3",
        postal_code="5000",
        city="Namur",
        accessibility="Plain-pied, parking PMR.",
        saturday="10:00-18:00",
    )
    content["service"] = api.content.create(
        portal,
        "Service",
        id="population",
        title="Service Population",
        street="Place communale 1",
        postal_code="5000",
        city="Namur",
        latitude=50.4649,
        longitude=4.8651,
        phones=["081 24 60 00"],
        emails=["population@namur.be"],
        website="https://www.namur.be/population",
        people=[relation(content["person"])],
        monday="08:30-12:00 13:00-16:30",
        tuesday="08:30-12:00",
        closures=["24/11/2025: Formation", "25/12/2025: Noël"],
    )
    content["procedure"] = api.content.create(
        portal,
        "Procedure",
        id="carte-identite",
        title="Carte d'identité",
        what_you_get=html("<p>Une carte eID.</p>"),
        who_may_ask=html("<p>Tout Belge dès 12 ans.</p>"),
        how_to_proceed=html("<p>Au guichet.</p>"),
        cost=html("<p>25 €</p>"),
        responsible_service=relation(content["service"]),
        online_form_url="https://www.wallonie.be/eid",
        taxonomy_audience=["citoyen"],
    )
    content["alert"] = api.content.create(
        portal,
        "Alert",
        id="coupure",
        title="Coupure d'eau",
        severity="urgent",
        start=datetime(2025, 11, 1, 8, 0),
        end=datetime(2025, 11, 30, 18, 0),
        link="https://www.swde.be",
    )
    content["publication"] = api.content.create(
        portal,
        "Publication",
        id="bulletin",
        title="Bulletin communal",
        publication_type="bulletin",
        publication_date=date(2025, 11, 1),
    )
    content["council"] = api.content.create(
        portal,
        "Council",
        id="conseil",
        title="Conseil communal",
        members=[relation(content["person"])],
    )
    content["sitting"] = api.content.create(
        content["council"],
        "Sitting",
        id="seance",
        title="Séance du 24 novembre",
        start=datetime(2025, 11, 24, 19, 30),
        place=relation(content["place"]),
        agenda=html("<p>Budget 2026</p>"),
        minutes=NamedBlobFile(data=b"%PDF-1.4", filename="pv.pdf"),
        live_stream="https://live.namur.be",
    )
    content["event"] = api.content.create(
        portal,
        "Event",
        id="marche",
        title="Marché de Noël",
        start=BRUSSELS.localize(datetime(2025, 12, 13, 10, 0)),
        end=BRUSSELS.localize(datetime(2025, 12, 13, 18, 0)),
        place=relation(content["place"]),
        price="Gratuit",
        reduced_mobility_access=True,
        online_link="https://billets.example.org/noel",
        taxonomy_topic=["culture-sport-et-loisirs"],
    )
    content["news"] = api.content.create(
        portal, "News Item", id="horaires", title="Nouveaux horaires"
    )
    for item in content.values():
        api.content.transition(item, "publish")
    setRoles(portal, TEST_USER_ID, ["Member"])
    return content


class RestApiCase(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.content = build_site(self.portal)
        transaction.commit()
        self.url = self.portal.absolute_url()

    def get(self, path: str, manager: bool = False):
        return browser(manager=manager).get(
            f"{self.url}/++api++/{path}",
            headers={"Accept": "application/json"},
            timeout=30,
        )


class TestSerialization(RestApiCase):
    def item(self, path: str, manager: bool = True) -> dict:
        response = self.get(path, manager=manager)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def test_procedure(self):
        data = self.item("carte-identite")
        self.assertEqual(data["@type"], "Procedure")
        self.assertIn("Une carte eID.", data["what_you_get"]["data"])
        self.assertIn("25 €", data["cost"]["data"])
        self.assertEqual(data["responsible_service"]["@id"], f"{self.url}/population")
        self.assertEqual(data["responsible_service"]["title"], "Service Population")
        self.assertEqual(data["online_form_url"], "https://www.wallonie.be/eid")
        self.assertEqual(
            [term["token"] for term in data["taxonomy_audience"]], ["citoyen"]
        )
        for name in ("delay", "legal_basis", "documents", "exceptions", "featured"):
            self.assertIn(name, data)

    def test_service(self):
        data = self.item("population")
        self.assertEqual(data["street"], "Place communale 1")
        self.assertEqual(data["postal_code"], "5000")
        self.assertEqual(data["latitude"], 50.4649)
        self.assertEqual(data["phones"], ["081 24 60 00"])
        self.assertEqual(data["emails"], ["population@namur.be"])
        self.assertEqual(data["website"], "https://www.namur.be/population")
        self.assertEqual(data["monday"], "08:30-12:00 13:00-16:30")
        self.assertEqual(
            data["closures"], ["24/11/2025: Formation", "25/12/2025: Noël"]
        )
        self.assertEqual(
            [person["@id"] for person in data["people"]],
            [f"{self.url}/marie-dupont"],
        )

    def test_person(self):
        data = self.item("marie-dupont")
        self.assertEqual(data["position"]["token"], "mayor")
        self.assertEqual(data["party"], "Liste du Bourgmestre")
        self.assertEqual(data["powers"], ["Police", "État civil"])
        self.assertEqual(data["email"], "marie.dupont@namur.be")
        self.assertEqual(data["photo"]["filename"], "marie.gif")
        self.assertTrue(
            data["photo"]["download"].startswith(f"{self.url}/marie-dupont/")
        )

    def test_place(self):
        data = self.item("salle")
        self.assertEqual(data["city"], "Namur")
        self.assertEqual(data["accessibility"], "Plain-pied, parking PMR.")
        self.assertEqual(data["saturday"], "10:00-18:00")

    def test_alert(self):
        data = self.item("coupure")
        self.assertEqual(data["severity"]["token"], "urgent")
        self.assertTrue(data["start"].startswith("2025-11-01T"))
        self.assertEqual(data["link"], "https://www.swde.be")

    def test_publication(self):
        data = self.item("bulletin")
        self.assertEqual(data["publication_type"]["token"], "bulletin")
        self.assertEqual(data["publication_date"], "2025-11-01")

    def test_council_and_sitting(self):
        council = self.item("conseil")
        self.assertEqual(
            [member["@id"] for member in council["members"]],
            [f"{self.url}/marie-dupont"],
        )
        sitting = self.item("conseil/seance")
        self.assertEqual(sitting["place"]["@id"], f"{self.url}/salle")
        self.assertIn("Budget 2026", sitting["agenda"]["data"])
        self.assertEqual(sitting["minutes"]["filename"], "pv.pdf")
        self.assertEqual(sitting["live_stream"], "https://live.namur.be")

    def test_event(self):
        data = self.item("marche")
        self.assertEqual(data["place"]["@id"], f"{self.url}/salle")
        self.assertEqual(data["price"], "Gratuit")
        self.assertIs(data["reduced_mobility_access"], True)
        self.assertEqual(data["online_link"], "https://billets.example.org/noel")
        self.assertEqual(
            [term["token"] for term in data["taxonomy_topic"]],
            ["culture-sport-et-loisirs"],
        )

    def test_anonymous_reads_published_content(self):
        for path in (
            "carte-identite",
            "population",
            "marie-dupont",
            "salle",
            "coupure",
            "bulletin",
            "conseil",
            "conseil/seance",
            "marche",
            "horaires",
        ):
            with self.subTest(path=path):
                data = self.item(path, manager=False)
                self.assertEqual(data["@id"], f"{self.url}/{path}")
        procedure = self.item("carte-identite", manager=False)
        self.assertEqual(
            procedure["responsible_service"]["@id"], f"{self.url}/population"
        )

    def test_anonymous_does_not_read_private_content(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.content.transition(self.content["service"], "retract")
        transaction.commit()
        self.assertEqual(self.get("population").status_code, 401)


class TestOpeningHoursEndpoint(RestApiCase):
    def setUp(self):
        super().setUp()
        # As on commune sites: the REST API is closed to anonymous visitors.
        self.portal.manage_permission(USE_REST_API, ["Authenticated"], acquire=False)
        transaction.commit()

    def test_the_rest_of_the_api_stays_closed(self):
        self.assertEqual(self.get("population").status_code, 401)

    def test_open_now(self):
        with at(2025, 11, 17, 10, 15):
            response = self.get("population/@opening-hours")
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json()
        self.assertEqual(data["@id"], f"{self.url}/population/@opening-hours")
        self.assertEqual(data["timezone"], "Europe/Brussels")
        self.assertIs(data["open_now"], True)
        self.assertEqual(data["closes_at"], "2025-11-17T12:00:00+01:00")
        self.assertEqual(data["next_opening"], "2025-11-17T13:00:00+01:00")
        monday, tuesday, wednesday = data["weekly"][:3]
        self.assertEqual(monday["day"], "monday")
        self.assertEqual(tuesday["ranges"], [{"opens": "08:30", "closes": "12:00"}])
        self.assertEqual(
            monday["ranges"],
            [
                {"opens": "08:30", "closes": "12:00"},
                {"opens": "13:00", "closes": "16:30"},
            ],
        )
        self.assertEqual(wednesday["ranges"], [])
        self.assertEqual(
            data["closures"],
            [
                {"start": "2025-11-24", "end": "2025-11-24", "reason": "Formation"},
                {"start": "2025-12-25", "end": "2025-12-25", "reason": "Noël"},
            ],
        )

    def test_closed_on_a_closure_day(self):
        with at(2025, 11, 24, 9, 0):
            data = self.get("population/@opening-hours").json()
        self.assertIs(data["open_now"], False)
        self.assertIsNone(data["closes_at"])
        self.assertEqual(data["next_opening"], "2025-11-25T08:30:00+01:00")

    def test_place(self):
        with at(2025, 11, 22, 20, 0):
            data = self.get("salle/@opening-hours").json()
        self.assertIs(data["open_now"], False)
        self.assertEqual(data["next_opening"], "2025-11-29T10:00:00+01:00")

    def test_private_service_is_refused(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.content.transition(self.content["service"], "retract")
        transaction.commit()
        self.assertEqual(self.get("population/@opening-hours").status_code, 401)

    def test_not_on_other_types(self):
        self.assertEqual(
            self.get("carte-identite/@opening-hours", manager=True).status_code, 404
        )


class TestOpenData(RestApiCase):
    def setUp(self):
        super().setUp()
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.content.create(
            self.portal, "Service", id="urbanisme", title="Service Urbanisme"
        )
        transaction.commit()

    def test_json_lists_published_services_with_their_hours(self):
        with at(2025, 11, 17, 10, 15):
            response = browser().get(f"{self.url}/@@services.json", timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        [service] = response.json()["items"]
        self.assertEqual(service["title"], "Service Population")
        self.assertEqual(service["url"], f"{self.url}/population")
        self.assertEqual(service["postal_code"], "5000")
        self.assertEqual(service["phones"], ["081 24 60 00"])
        self.assertEqual(service["monday"], "08:30-12:00 13:00-16:30")
        self.assertEqual(
            service["closures"], ["24/11/2025: Formation", "25/12/2025: Noël"]
        )
        self.assertIs(service["open_now"], True)

    def test_csv(self):
        response = browser().get(f"{self.url}/@@services.csv", timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/csv"))
        lines = response.content.decode("utf-8").splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("title,url,street,postal_code,city"))
        self.assertIn("Service Population", lines[1])
        self.assertIn("08:30-12:00 13:00-16:30", lines[1])
        self.assertIn("24/11/2025: Formation | 25/12/2025: Noël", lines[1])
        self.assertNotIn("Urbanisme", response.text)
