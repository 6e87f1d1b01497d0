"""Belgian numbers and communes checked in form fields, chosen in the form editor."""

from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import field_errors
from imio.eguichet.validators import isBelgianCommune
from imio.eguichet.validators import isBelgianPostalCode
from imio.eguichet.validators import isBelgianVAT
from imio.eguichet.validators import isEnterpriseNumber
from imio.eguichet.validators import isIBAN
from imio.eguichet.validators import isNationalRegisterNumber
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

import transaction
import unittest


MODEL = """\
<model xmlns="http://namespaces.plone.org/supermodel/schema"
       xmlns:easyform="http://namespaces.plone.org/supermodel/easyform">
  <schema>
    <field name="fullname" type="zope.schema.TextLine">
      <title>Nom et prénom</title>
    </field>
    <field name="national_number" type="zope.schema.TextLine"
           easyform:validators="isNationalRegisterNumber">
      <title>Numéro de registre national</title>
    </field>
    <field name="bis_number" type="zope.schema.TextLine"
           easyform:validators="isBisNumber">
      <title>Numéro BIS</title>
      <required>False</required>
    </field>
    <field name="iban" type="zope.schema.TextLine" easyform:validators="isIBAN">
      <title>IBAN</title>
      <required>False</required>
    </field>
    <field name="enterprise_number" type="zope.schema.TextLine"
           easyform:validators="isEnterpriseNumber">
      <title>Numéro d'entreprise</title>
      <required>False</required>
    </field>
    <field name="postal_code" type="zope.schema.TextLine"
           easyform:validators="isBelgianPostalCode">
      <title>Code postal</title>
      <required>False</required>
    </field>
    <field name="vat" type="zope.schema.TextLine"
           easyform:validators="isBelgianVAT">
      <title>Numéro de TVA</title>
      <required>False</required>
    </field>
    <field name="commune" type="zope.schema.TextLine"
           easyform:validators="isBelgianCommune">
      <title>Commune</title>
      <required>False</required>
    </field>
  </schema>
</model>
"""


class TestValidators(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_offered_in_the_form_editor(self):
        portal = self.layer["portal"]
        validators = getUtility(IVocabularyFactory, "easyform.Validators")(portal)
        for name in (
            "isNationalRegisterNumber",
            "isBisNumber",
            "isIBAN",
            "isEnterpriseNumber",
            "isBelgianPostalCode",
            "isBelgianVAT",
            "isBelgianCommune",
        ):
            self.assertIn(name, validators.by_value)

    def test_valid_and_empty_values_pass(self):
        self.assertIsNone(isNationalRegisterNumber("85.07.30-033.28"))
        self.assertIsNone(isIBAN("BE31 4354 1116 1155"))
        self.assertIsNone(isEnterpriseNumber("0207.000.968"))
        self.assertIsNone(isBelgianPostalCode("5000"))
        self.assertIsNone(isBelgianPostalCode(""))
        self.assertIsNone(isIBAN(None))
        self.assertIsNone(isBelgianVAT("BE 0207.000.968"))
        self.assertIsNone(isBelgianVAT("be0207000968"))
        self.assertIsNone(isBelgianVAT(""))
        for name in ("Liège", "liege", "Luik", "Lüttich", "Sint-Genesius-Rode"):
            self.assertIsNone(isBelgianCommune(name), name)
        self.assertIsNone(isBelgianCommune(""))

    def test_invalid_values_say_why(self):
        self.assertEqual(
            isNationalRegisterNumber("85.07.30-033"),
            "The national register number has 11 digits.",
        )
        self.assertEqual(
            isBelgianPostalCode("50OO"), "The postal code may only hold digits."
        )
        self.assertEqual(
            isBelgianVAT("FR 40 303 265 045"),
            "The VAT number must be a Belgian one (starting with BE).",
        )
        self.assertEqual(
            isBelgianVAT("BE 2207.000.968"), "The VAT number starts with BE0 or BE1."
        )
        self.assertEqual(
            isBelgianCommune("Paris"), "This is not the name of a Belgian commune."
        )
        self.assertEqual(
            isBelgianCommune(" - "), "This is not the name of a Belgian commune."
        )


class TestValidatorsInAForm(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(portal, form_id="inscription", fields_model=MODEL)
        form.setLayout("demande")
        transaction.commit()
        self.url = form.absolute_url()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def test_french_messages_under_each_field(self):
        page = self.citizen.fill(
            self.url,
            {
                "fullname": "Marie Dupont",
                "national_number": "85.13.30-033.28",
                "bis_number": "85073003328",
                "iban": "BE31 4354 1116 1156",
                "enterprise_number": "2207.000.968",
                "postal_code": "B-5999",
                "vat": "BE 0207.000.969",
                "commune": "Paris",
            },
        )
        self.assertEqual(
            field_errors(page),
            {
                "national_number": "Ce numéro de registre national n'est pas valide "
                "(chiffres de contrôle incorrects).",
                "bis_number": "Ce numéro est un numéro de registre national et non "
                "un numéro BIS.",
                "iban": "Le numéro de compte IBAN n'est pas valide (chiffres de "
                "contrôle incorrects).",
                "enterprise_number": "Le numéro d'entreprise doit commencer par 0 "
                "ou 1.",
                "postal_code": "Ce code postal n'existe pas en Belgique.",
                "vat": "Le numéro de TVA n'est pas valide (chiffres de contrôle "
                "incorrects).",
                "commune": "Ce n'est pas le nom d'une commune belge.",
            },
        )

    def test_valid_numbers_reach_the_summary(self):
        page = self.citizen.fill(
            self.url,
            {
                "fullname": "Marie Dupont",
                "national_number": "85.07.30-033.28",
                "iban": "BE31 4354 1116 1155",
                "enterprise_number": "0207.000.968",
                "postal_code": "5000",
                "vat": "BE 0207.000.968",
                "commune": "la louviere",
            },
        )
        self.assertEqual(field_errors(page), {})
        self.assertIn("Vérifiez vos réponses", page.text)
        self.assertIn("BE31 4354 1116 1155", page.text)
        self.assertIn("BE 0207.000.968", page.text)
