"""The library of ready forms: installed in one step, each one works."""

from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.library import available_forms
from imio.eguichet.library import FORM_IDS
from imio.eguichet.library import install_form
from imio.eguichet.library import SERVICES
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.testing import SERVICE
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import eguichet_folder
from imio.eguichet.tests.library_helpers import field_errors
from imio.eguichet.tests.library_helpers import MARIE
from imio.eguichet.tests.library_helpers import VALID_ANSWERS
from imio.eguichet.tests.library_helpers import VALID_FILES
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from decimal import Decimal

import re
import time
import transaction
import unittest


REFERENCE = re.compile(r'class="case-reference">([^<]+)<')


class TestInstall(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.folder = api.content.create(
            container=self.portal, type="Folder", id="e-guichet", title="E-guichet"
        )

    def test_the_nine_forms(self):
        self.assertEqual(
            FORM_IDS,
            (
                "certificat-de-residence",
                "composition-de-menage",
                "extrait-acte",
                "declaration-perte-document",
                "reservation-salle",
                "signalement-voirie",
                "occupation-domaine-public",
                "inscription-stage",
                "carte-stationnement-riverain",
            ),
        )
        for ready in available_forms():
            self.assertTrue(ready.title and ready.description and ready.audience)
            self.assertIn(ready.service, SERVICES)
        self.assertEqual(SERVICES, ("population-etat-civil", "secretariat", "travaux"))

    def test_install_sets_the_eguichet_settings(self):
        form = install_form(self.folder, "certificat-de-residence", SERVICE)
        self.assertEqual(form.portal_type, "EasyForm")
        self.assertEqual(form.Title(), "Certificat de résidence")
        settings = IEguichetForm(form)
        self.assertEqual(settings.submitters, "citizens_high")
        self.assertEqual(settings.processing_service, SERVICE)
        self.assertEqual(settings.delay_days, 2)
        self.assertEqual(settings.fee, Decimal("3.00"))
        self.assertEqual(settings.retention_months, 12)
        self.assertEqual(api.content.get_state(form), "published")
        self.assertEqual(form.getLayout(), "demande")
        self.assertIn("imio.eguichet.actions.CreateCase", form.actions_model)
        self.assertIn("imio.eguichet.actions.NotifyService", form.actions_model)
        self.assertNotIn("collective.easyform.actions.Mailer", form.actions_model)
        self.assertIn(
            'easyform:validators="isNationalRegisterNumber"', form.fields_model
        )

    def test_who_may_send_each_form(self):
        levels = {ready.id: ready.submitters for ready in available_forms()}
        self.assertEqual(
            {form_id for form_id, level in levels.items() if level != "anyone"},
            {
                "certificat-de-residence",
                "composition-de-menage",
                "declaration-perte-document",
                "carte-stationnement-riverain",
            },
        )
        # What the population register certifies: eID or itsme.
        self.assertEqual(levels["certificat-de-residence"], "citizens_high")
        self.assertEqual(levels["composition-de-menage"], "citizens_high")
        self.assertEqual(levels["declaration-perte-document"], "citizens")
        self.assertEqual(levels["carte-stationnement-riverain"], "citizens")

    def test_answers_are_mailed_to_the_site_address(self):
        api.portal.set_registry_record(
            "plone.email_from_address", "info@ville.namur.be"
        )
        form = install_form(self.folder, "extrait-acte")
        self.assertIn(
            "<recipient_email>info@ville.namur.be</recipient_email>",
            form.actions_model,
        )

    def test_no_mailer_without_a_site_address(self):
        api.portal.set_registry_record("plone.email_from_address", "")
        form = install_form(self.folder, "extrait-acte")
        self.assertIn("imio.eguichet.actions.CreateCase", form.actions_model)
        self.assertNotIn("imio.eguichet.actions.NotifyService", form.actions_model)

    def test_install_leaves_an_existing_form_as_it_is(self):
        form = install_form(self.folder, "extrait-acte")
        form.title = "Extrait d'acte (modifié)"
        form.delay_days = 3
        again = install_form(self.folder, "extrait-acte")
        self.assertIs(again.aq_base, form.aq_base)
        self.assertEqual(again.title, "Extrait d'acte (modifié)")
        self.assertEqual(IEguichetForm(again).delay_days, 3)
        self.assertEqual(self.folder.objectIds(), ["extrait-acte"])

    def test_unknown_form(self):
        with self.assertRaises(KeyError):
            install_form(self.folder, "permis-de-chasse")


class TestLibraryForms(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        folder = eguichet_folder(self.portal)
        self.forms = {form_id: install_form(folder, form_id) for form_id in FORM_IDS}
        # Some forms are for citizens signed in with eID or itsme: Marie is one.
        cookies = citizen_cookies(self.layer["request"], MARIE, LEVEL_HIGH)
        transaction.commit()
        self.citizen = Citizen(cookies=cookies)

    def tearDown(self):
        self.citizen.close()

    def cases(self):
        transaction.begin()
        return get_cases_folder(self.portal)

    def test_each_form_renders_in_french(self):
        for form_id, form in self.forms.items():
            with self.subTest(form=form_id):
                page = self.citizen.get(form.absolute_url())
                self.assertEqual(page.status_code, 200)
                self.assertIn(form.Title(), page.text)
                self.assertIn('name="form.buttons.continue"', page.text)
                self.assertIn("Continuer", page.text)

    def test_each_valid_submission_creates_a_case(self):
        for form_id, form in self.forms.items():
            with self.subTest(form=form_id):
                summary = self.citizen.fill(
                    form.absolute_url(),
                    VALID_ANSWERS[form_id],
                    VALID_FILES.get(form_id),
                )
                self.assertEqual(field_errors(summary), {})
                self.assertIn("Vérifiez vos réponses", summary.text)
                sent = self.citizen.press(summary, "send")
                self.assertEqual(sent.status_code, 200)
                reference = REFERENCE.search(sent.text)
                self.assertIsNotNone(reference, sent.text[-3000:])
                case = self.cases()[reference.group(1).replace("-", "")]
                self.assertEqual(case.form_title, form.Title())
                for name in VALID_FILES.get(form_id, {}):
                    self.assertTrue(case.attachments[name].data)

    def test_invalid_answers_show_french_field_errors(self):
        form = self.forms["carte-stationnement-riverain"]
        before = len(self.cases())
        # A Plone account: no national number from a sign-in, it is typed.
        member = Citizen(auth=(TEST_USER_NAME, TEST_USER_PASSWORD))
        self.addCleanup(member.close)
        page = member.fill(
            form.absolute_url(),
            {
                "lastname": "Dupont",
                "national_number": "85.07.30-033.29",
                "email": "pas-une-adresse",
                "postal_code": "5999",
            },
        )
        errors = field_errors(page)
        self.assertEqual(
            errors["national_number"],
            "Ce numéro de registre national n'est pas valide (chiffres de "
            "contrôle incorrects).",
        )
        self.assertEqual(
            errors["postal_code"], "Ce code postal n'existe pas en Belgique."
        )
        self.assertIn("firstname", errors)
        self.assertIn("email", errors)
        self.assertIn("registration_certificate", errors)
        self.assertNotIn("Vérifiez vos réponses", page.text)
        self.assertEqual(len(self.cases()), before)


class TestFormInstalledByTheOperatorsTools(unittest.TestCase):
    """The fleet tools install forms as Manager with no member logged in."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        api.portal.set_registry_record("plone.default_language", "fr")
        logout()
        # A site created from the command line has no owner either.
        self.portal._owner = None
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(
                container=self.portal, type="Folder", id="e-guichet", title="E"
            )
            api.content.transition(folder, "publish")
            self.form = install_form(folder, "extrait-acte")
        transaction.commit()
        self.inbox = self.layer["inbox"].messages
        del self.inbox[:]
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def test_an_anonymous_citizen_sends_the_form(self):
        # No owner for easyform's mailer to fall back on.
        self.assertIsNone(self.form.getOwner())
        self.assertIsNone(self.form.getOwner())
        summary = self.citizen.fill(
            self.form.absolute_url(), VALID_ANSWERS["extrait-acte"]
        )
        self.assertIn("Vérifiez vos réponses", summary.text)
        sent = self.citizen.press(summary, "send")
        self.assertEqual(sent.status_code, 200)
        reference = REFERENCE.search(sent.text)
        self.assertIsNotNone(reference, sent.text[-3000:])
        transaction.begin()
        self.assertIn(
            reference.group(1).replace("-", ""), get_cases_folder(self.portal)
        )
        address = api.portal.get_registry_record("plone.email_from_address")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.to_the_commune(address):
            time.sleep(0.1)
        (notice,) = self.to_the_commune(address)
        self.assertIn(reference.group(1), notice.get_body().get_content())

    def to_the_commune(self, address):
        return [message for message in self.inbox if address in message["To"]]
