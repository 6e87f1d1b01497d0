"""People, councils and their sittings."""

from datetime import datetime
from datetime import timedelta
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from imio.website.tests.helpers import read_in
from imio.website.tests.test_procedure import relation_to
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import transaction
import unittest


def build_council(portal):
    """A municipal council with two members, one sitting ahead, one past."""
    mayor = api.content.create(
        portal,
        "Person",
        id="mayor",
        title="Anne Dupont",
        position="mayor",
        party="Liste du Bourgmestre",
        powers=["État civil", "Police"],
        email="anne.dupont@commune.be",
    )
    alderman = api.content.create(
        portal, "Person", id="alderman", title="Luc Martin", position="alderman"
    )
    hall = api.content.create(portal, "Place", id="hall", title="Salle du conseil")
    council = api.content.create(
        portal,
        "Council",
        id="conseil",
        title="Conseil communal",
        members=[relation_to(mayor), relation_to(alderman)],
    )
    now = datetime.now().replace(second=0, microsecond=0)
    api.content.create(
        council,
        "Sitting",
        id="next",
        title="Séance à venir",
        start=now + timedelta(days=10),
        place=relation_to(hall),
        agenda=html("<ol><li>Budget 2026</li></ol>"),
        live_stream="https://www.youtube.com/commune",
    )
    api.content.create(
        council,
        "Sitting",
        id="last",
        title="Séance passée",
        start=now - timedelta(days=20),
    )
    return council


class TestCouncil(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.council = build_council(self.portal)

    def render(self, obj) -> str:
        return " ".join(obj.restrictedTraverse("@@view")().split())

    def test_council_members_and_sittings(self):
        page = self.render(self.council)
        self.assertIn(
            '<a href="http://nohost/plone/mayor">Anne Dupont</a>, Bourgmestre', page
        )
        self.assertIn("Luc Martin</a>, Échevin", page)
        upcoming = page.split("Séances à venir")[1].split("Séances passées")[0]
        self.assertIn("Séance à venir", upcoming)
        self.assertNotIn("Séance passée", upcoming)
        self.assertIn("Séance passée", page.split("Séances passées")[1])

    def test_person_page(self):
        page = self.render(self.portal.mayor)
        self.assertIn("<dt>Fonction</dt> <dd>Bourgmestre</dd>", page)
        self.assertIn("<li>État civil</li>", page)
        self.assertIn('href="mailto:anne.dupont@commune.be"', page)
        self.assertIn('href="http://nohost/plone/conseil">Conseil communal</a>', page)

    def test_sitting_page(self):
        page = self.render(self.council.next)
        self.assertIn('<a href="http://nohost/plone/hall">Salle du conseil</a>', page)
        self.assertIn("<li>Budget 2026</li>", page)
        self.assertIn("Suivre la séance en direct", page)

    def test_sitting_times_read_in_brussels_on_both_pages(self):
        sitting = self.council.next
        sitting.start = datetime(2031, 1, 15, 19, 30)  # winter: UTC+1
        sitting.reindexObject()
        sittings = self.council.restrictedTraverse("@@view").upcoming_sittings()
        self.assertEqual(sittings[0]["date"], "15/01/2031 19:30")
        self.assertIn("15/01/2031 19:30", self.render(sitting))
        sitting.start = datetime(2031, 6, 15, 19, 30)  # summer: UTC+2
        sitting.reindexObject()
        sittings = self.council.restrictedTraverse("@@view").upcoming_sittings()
        self.assertEqual(sittings[0]["date"], "15/06/2031 19:30")

    def test_no_upcoming_sitting(self):
        api.content.delete(self.council.next)
        self.assertIn("Aucune séance n'est prévue.", self.render(self.council))


class TestCouncilPublished(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_citizen_reads_the_council(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        council = build_council(portal)
        for obj in (council, council.next, portal.mayor, portal.alderman):
            api.content.transition(obj, "publish")
        transaction.commit()
        page = browser().get(council.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Anne Dupont", page.text)
        self.assertIn("Séance à venir", page.text)
        # Private sittings stay hidden from citizens.
        self.assertNotIn("Séance passée", page.text)
