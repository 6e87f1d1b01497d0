"""Services: address validation, contacts, hours and "open now" on the page."""

from imio.belgium.testing import at
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import authenticator
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zope.i18n import translate

import html
import re
import transaction
import unittest


HOURS = {
    "monday": "08:30-12:00 13:00-16:30",
    "tuesday": "08:30-12:00",
    "wednesday": "08:30-12:00",
    "thursday": "08:30-12:00 13:00-19:00",
    "friday": "08:30-12:00",
}


def create_service(portal):
    return api.content.create(
        portal,
        "Service",
        id="population",
        title="Service Population",
        street="Place communale 1",
        postal_code="5000",
        city="Namur",
        phones=["081 24 60 00"],
        emails=["population@namur.be"],
        closures=["25/12/2025 : Noël"],
        **HOURS,
    )


class TestServicePage(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.service = create_service(self.portal)

    def render(self) -> str:
        return " ".join(self.service.restrictedTraverse("@@view")().split())

    def test_contact_block(self):
        page = self.render()
        self.assertIn("Place communale 1<br />5000 Namur", page)
        self.assertIn('<a href="tel:081246000">081 24 60 00</a>', page)
        self.assertIn('href="mailto:population@namur.be"', page)

    def test_open_now(self):
        with at(2025, 11, 17, 10, 15):
            page = self.render()
        self.assertIn("<strong>Ouvert actuellement</strong>", page)
        self.assertIn("jusqu'à 12:00", page)
        self.assertIn(
            '<th scope="row">Lundi</th> <td>08:30–12:00, 13:00–16:30</td>', page
        )
        self.assertRegex(page, r'<th scope="row">Samedi</th> <td ?>Fermé</td>')

    def test_closed_now_with_next_opening(self):
        with at(2025, 11, 17, 12, 30):
            self.assertIn("Prochaine ouverture : aujourd'hui à 13:00", self.render())
        with at(2025, 11, 21, 12, 30):
            self.assertIn(
                "Prochaine ouverture : lundi 24 novembre à 08:30", self.render()
            )

    def test_closure_day(self):
        with at(2025, 12, 25, 10):
            page = self.render()
        self.assertIn("<strong>Fermé actuellement</strong> <span>(Noël)</span>", page)
        self.assertIn("Prochaine ouverture : demain à 08:30", page)
        self.assertIn("<li>25/12/2025 : Noël</li>", page)

    def test_type_title_and_add_permission(self):
        fti = api.portal.get_tool("portal_types")["Service"]
        self.assertEqual(fti.add_permission, "imio.website.AddService")
        request = self.layer["request"]
        self.assertEqual(translate(fti.Title(), context=request), "Service communal")


class TestServiceEditing(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        self.service = create_service(portal)
        transaction.commit()
        self.url = self.service.absolute_url()
        self.editor = browser(manager=True)

    def save(self, **fields) -> str:
        form = self.editor.get(self.url + "/edit", timeout=30).text
        data = {
            "form.widgets.IDublinCore.title": "Service Population",
            "form.buttons.save": "Enregistrer",
            "_authenticator": authenticator(form),
        }
        data.update({f"form.widgets.{name}": value for name, value in fields.items()})
        page = self.editor.post(self.url + "/@@edit", data=data, timeout=30)
        return html.unescape(page.text)

    def test_unknown_postal_code_is_refused_next_to_the_field(self):
        page = self.save(postal_code="1001")
        field = page.split('id="formfield-form-widgets-postal_code"')[1][:1500]
        self.assertIn("Ce code postal n'existe pas en Belgique.", field)
        transaction.begin()
        self.assertEqual(self.service.postal_code, "5000")

    def test_postal_code_with_letters_is_refused(self):
        page = self.save(postal_code="50OO")
        field = page.split('id="formfield-form-widgets-postal_code"')[1][:1500]
        self.assertIn("Le code postal ne peut contenir que des chiffres.", field)

    def test_unreadable_hours_are_refused(self):
        page = self.save(monday="le matin")
        field = page.split('id="formfield-form-widgets-monday"')[1][:1500]
        self.assertIn("Indiquez les heures sous forme de plages", field)

    def test_valid_changes_are_saved_and_shown(self):
        page = self.save(postal_code="5100", city="Jambes", saturday="09:00-12:00")
        self.assertIn("5100 Jambes", page)
        self.assertIn("09:00–12:00", page)

    def test_citizen_sees_hours_on_published_service(self):
        api.content.transition(self.service, "publish")
        transaction.commit()
        page = browser().get(self.url, timeout=30)
        self.assertEqual(page.status_code, 200)
        # The tags as written, whoever serialised the page (no space before ">").
        text = re.sub(r"\s+>", ">", html.unescape(page.text))
        self.assertIn('<h2 id="opening-hours-title">Heures d\'ouverture</h2>', text)
        self.assertTrue("Ouvert actuellement" in text or "Fermé actuellement" in text)
