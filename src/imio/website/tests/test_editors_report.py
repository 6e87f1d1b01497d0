"""The editors' report of procedures and services with missing information."""

from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import csv
import io
import re
import transaction
import unittest


PASSWORD = TEST_USER_PASSWORD


class TestEditorsReport(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        service = api.content.create(
            portal,
            "Service",
            id="population",
            title="Service Population",
            description="Domiciliations.",
            street="Place communale 1",
            postal_code="5000",
            city="Namur",
            phones=["081 24 60 00"],
            emails=["population@namur.be"],
            monday="08:30-12:00",
        )
        api.content.create(portal, "Service", id="urbanisme", title="Service Urbanisme")
        api.content.create(
            portal,
            "Procedure",
            id="passeport",
            title="=Passeport",
            what_you_get=html("<p>Un passeport.</p>"),
            who_may_ask=html("<p>&nbsp;</p>"),
        )
        self.complete = {
            name: html(f"<p>{name}</p>")
            for name in (
                "what_you_get",
                "who_may_ask",
                "how_to_proceed",
                "documents",
                "cost",
                "delay",
                "legal_basis",
                "exceptions",
            )
        }
        api.content.create(
            portal,
            "Procedure",
            id="complete",
            title="Démarche complète",
            description="Tout y est.",
            responsible_service=RelationValue(getUtility(IIntIds).getId(service)),
            **self.complete,
        )
        api.user.create(email="editeur@namur.be", username="editeur", password=PASSWORD)
        api.user.grant_roles(username="editeur", roles=["Editor"])
        api.user.create(email="membre@namur.be", username="membre", password=PASSWORD)
        transaction.commit()
        self.url = portal.absolute_url()

    def session(self, username: str):
        session = browser()
        session.auth = (username, PASSWORD)
        return session

    def test_lists_what_each_page_lacks(self):
        page = self.session("editeur").get(f"{self.url}/@@rapport-contenus", timeout=30)
        self.assertEqual(page.status_code, 200)
        text = re.sub(r"\s+>", ">", " ".join(page.text.split()))
        rows = re.findall(r"<tr>(.*?)</tr>", text.split("<tbody>")[1])
        titles = [re.search(r'/edit">([^<]*)</a>', row).group(1) for row in rows]
        self.assertEqual(titles, ["=Passeport", "Service Urbanisme"])
        passport, urbanisme = rows
        needed = "<strong>(nécessaire avant publication)</strong>"
        self.assertIn(f"<li>Qui peut en faire la demande{needed}</li>", passport)
        self.assertIn("<li>Service responsable</li>", passport)
        self.assertNotIn("Ce que vous obtenez", passport)
        self.assertIn("<td>Démarche</td>", passport)
        for label in (
            "Résumé",
            "Code postal",
            "Numéros de téléphone",
            "Heures d'ouverture",
        ):
            self.assertIn(label, urbanisme)

    def test_csv_export(self):
        response = self.session("editeur").get(
            f"{self.url}/@@rapport-contenus.csv", timeout=30
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/csv"))
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(rows[0][0], "Titre")
        self.assertEqual(
            [row[0] for row in rows[1:]], ["'=Passeport", "Service Urbanisme"]
        )
        self.assertIn("Qui peut en faire la demande", rows[1][5])
        self.assertNotIn("Service responsable", rows[1][5])

    def test_refused_to_members_and_anonymous(self):
        for session in (self.session("membre"), browser()):
            for view in ("rapport-contenus", "rapport-contenus.csv"):
                response = session.get(
                    f"{self.url}/@@{view}", timeout=30, allow_redirects=False
                )
                self.assertIn(response.status_code, (302, 401, 403), view)
                self.assertNotIn("Passeport", response.text)
