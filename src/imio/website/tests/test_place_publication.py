"""Places and publications."""

from datetime import date
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile

import transaction
import unittest


class TestPlace(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])

    def test_place_page(self):
        place = api.content.create(
            self.portal,
            "Place",
            title="Bibliothèque communale",
            street="Rue des Livres 3",
            postal_code="4000",
            city="Liège",
            latitude=50.6326,
            longitude=5.5797,
            accessibility="Entrée de plain-pied, toilettes adaptées.",
            wednesday="13:00-18:00",
            saturday="09:00-12:00",
        )
        page = " ".join(place.restrictedTraverse("@@view")().split())
        self.assertIn("Rue des Livres 3<br />4000 Liège", page)
        self.assertIn("mlat=50.6326&amp;mlon=5.5797", page)
        self.assertIn("Voir sur une carte", page)
        self.assertIn("Entrée de plain-pied, toilettes adaptées.", page)
        self.assertIn('<th scope="row">Mercredi</th> <td>13:00–18:00</td>', page)

    def test_publication_page_lists_its_files(self):
        publication = api.content.create(
            self.portal,
            "Publication",
            title="Bulletin communal de mars",
            publication_type="bulletin",
            publication_date=date(2025, 3, 1),
        )
        api.content.create(
            publication,
            "File",
            id="bulletin.pdf",
            title="Bulletin (PDF)",
            file=NamedBlobFile(b"%PDF-1.4 bulletin", filename="bulletin.pdf"),
        )
        page = " ".join(publication.restrictedTraverse("@@view")().split())
        self.assertIn("<dd>Bulletin communal</dd>", page)
        self.assertIn("<dd>01/03/2025</dd>", page)
        self.assertIn(
            'href="http://nohost/plone/bulletin-communal-de-mars/bulletin.pdf'
            '/@@download/file">Bulletin (PDF)</a>',
            page,
        )


class TestPublished(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_citizen_downloads_a_publication(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        publication = api.content.create(
            portal, "Publication", title="Règlement", publication_type="regulation"
        )
        pdf = api.content.create(
            publication,
            "File",
            id="reglement.pdf",
            title="Règlement (PDF)",
            file=NamedBlobFile(b"%PDF-1.4 reglement", filename="reglement.pdf"),
        )
        place = api.content.create(portal, "Place", title="Parc communal")
        for obj in (publication, place):
            api.content.transition(obj, "publish")
        transaction.commit()
        citizen = browser()
        page = citizen.get(publication.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Règlement", page.text)
        self.assertEqual(citizen.get(place.absolute_url(), timeout=30).status_code, 200)
        # Files follow their container's workflow: published with it.
        download = citizen.get(pdf.absolute_url() + "/@@download/file", timeout=30)
        self.assertEqual(download.content, b"%PDF-1.4 reglement")
