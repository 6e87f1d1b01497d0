"""A citizen submits an e-guichet form and sees the reference of the case."""

from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID

from zope.component import getUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory

import re
import requests
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"\s+value="([^"]+)"')
REFERENCE = re.compile(r'class="case-reference">([^<]+)<')
ACCESS_CODE = re.compile(r'class="case-access-code".*?<strong>([^<]+)</strong>', re.S)


class TestBehavior(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_enabled_on_easyform_beside_its_own_behaviors(self):
        fti = api.portal.get_tool("portal_types")["EasyForm"]
        self.assertIn("imio.eguichet.form", fti.behaviors)
        for behavior in ("plone.dublincore", "plone.namefromtitle", "plone.shortname"):
            self.assertIn(behavior, fti.behaviors)

    def test_form_settings(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        form = add_form(portal, retention_months=24)
        settings = IEguichetForm(form)
        self.assertEqual(settings.processing_service, "etat_civil")
        self.assertEqual(settings.delay_days, 10)
        self.assertEqual(settings.retention_months, 24)
        self.assertEqual(settings.submitters, "anyone")

    def test_editors_choose_who_may_send_in_french_and_german(self):
        field = IEguichetForm["submitters"]
        titles = {
            language: [
                translate(term.title, target_language=language)
                for term in field.vocabulary
            ]
            for language in ("fr", "de")
        }
        self.assertEqual(
            titles["fr"],
            [
                "Tout le monde, sans se connecter",
                "Citoyens connectés uniquement",
                "Citoyens connectés avec la carte d'identité ou itsme",
            ],
        )
        self.assertEqual(
            titles["de"][2], "Mit Personalausweis oder itsme angemeldete Bürger"
        )

    def test_action_offered_to_editors(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        form = add_form(portal)
        actions = getUtility(IVocabularyFactory, "EasyFormActions")(form)
        self.assertIn("Create a case", actions.by_token)


class TestSubmitForm(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal)
        transaction.commit()
        self.url = self.form.absolute_url()
        self.browser = requests.Session()

    def tearDown(self):
        self.browser.close()

    def submit(self, page=None, **fields):
        page = page or self.browser.get(self.url, timeout=30)
        self.assertEqual(page.status_code, 200)
        data = {
            "form.widgets.fullname": "Marie Dupont",
            "form.widgets.email": "marie.dupont@example.org",
            "form.widgets.reason": "Inscription <b>à</b> l'école",
            "form.buttons.submit": "Envoyer",
        }
        token = AUTHENTICATOR.search(page.text)
        if token:
            data["_authenticator"] = token.group(1)
        data.update(fields)
        upload = ("carte.pdf", b"%PDF-1.4 carte", "application/pdf")
        files = {"form.widgets.document": upload}
        return self.browser.post(self.url, data=data, files=files, timeout=30)

    def test_anonymous_citizen_gets_reference_and_access_code(self):
        response = self.submit()
        self.assertEqual(response.status_code, 200)
        reference = REFERENCE.search(response.text).group(1)
        self.assertRegex(reference, r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
        code = ACCESS_CODE.search(response.text).group(1)
        self.assertIn("marie.dupont@example.org", response.text)

        transaction.begin()
        case = get_cases_folder(self.portal)[reference.replace("-", "")]
        self.assertEqual(case.values["reason"], "Inscription <b>à</b> l'école")
        self.assertEqual(case.attachments["document"].data, b"%PDF-1.4 carte")
        self.assertTrue(case.check_access_code(code))

    def test_anonymous_cannot_open_the_case(self):
        response = self.submit()
        reference = REFERENCE.search(response.text).group(1).replace("-", "")
        case_url = f"{self.portal.absolute_url()}/demandes/{reference}"
        anonymous = requests.get(case_url, timeout=30, allow_redirects=False)
        self.assertNotEqual(anonymous.status_code, 200)
        admin = requests.get(
            case_url, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=30
        )
        self.assertEqual(admin.status_code, 200)
        self.assertIn("Inscription &lt;b&gt;à&lt;/b&gt;", admin.text)
        self.assertNotIn("<b>à</b>", admin.text)
        self.assertIn("carte.pdf", admin.text)

    def test_closed_form_says_so_and_creates_nothing(self):
        # The page was open to anyone when the citizen opened it.
        page = self.browser.get(self.url, timeout=30)
        self.form.submitters = "citizens"
        transaction.commit()
        response = self.submit(page)
        # Refused, with the sign-in in place of the fields.
        self.assertEqual(response.status_code, 403)
        self.assertIn(f"{self.portal.absolute_url()}/login?came_from=", response.text)
        self.assertNotIn('id="form-widgets-fullname"', response.text)
        self.assertIsNone(REFERENCE.search(response.text))
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal).objectIds()), 0)


class TestFormsVocabulary(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_lists_eguichet_forms_only(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        form = add_form(portal)
        api.content.create(container=portal, type="Document", id="page", title="Page")
        factory = getUtility(IVocabularyFactory, "imio.eguichet.Forms")
        terms = list(factory(portal))
        self.assertEqual([term.value for term in terms], [form])
        self.assertEqual(terms[0].title, "Certificat de résidence")
        self.assertEqual(terms[0].token, api.content.get_uuid(form))
