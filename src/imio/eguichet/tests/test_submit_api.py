"""Submitting an e-guichet form through the REST API, as a citizen's app does."""

from concurrent.futures import ThreadPoolExecutor
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.reference import normalize_reference
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import base64
import re
import requests
import transaction
import unittest


VALID = {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}


class TestSubmitApi(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal)
        transaction.commit()
        self.url = self.form.absolute_url() + "/++api++/@submit"

    def post(self, payload, **kwargs):
        return requests.post(
            self.url,
            json=payload,
            headers={"Accept": "application/json"},
            timeout=60,
            **kwargs,
        )

    def cases(self):
        transaction.begin()
        return get_cases_folder(self.portal)

    def test_anonymous_submission_creates_a_case(self):
        document = base64.b64encode(b"%PDF-1.4 attestation").decode()
        response = self.post({
            **VALID,
            "reason": "Inscription <script>alert(1)</script>",
            "document": {
                "data": document,
                "filename": "attestation.pdf",
                "content-type": "application/pdf",
            },
        })
        self.assertEqual(response.status_code, 201, response.text)
        answer = response.json()
        self.assertRegex(answer["reference"], r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
        self.assertEqual(len(answer["access_code"]), 10)
        case = self.cases()[normalize_reference(answer["reference"])]
        self.assertEqual(answer["@id"], case.absolute_url())
        self.assertEqual(case.values["fullname"], "Marie Dupont")
        self.assertEqual(case.attachments["document"].data, b"%PDF-1.4 attestation")
        self.assertTrue(case.check_access_code(answer["access_code"]))

    def test_invalid_fields_are_named_and_nothing_is_created(self):
        before = len(self.cases())
        response = self.post({"email": "pas-une-adresse", "document": {"data": "%%%"}})
        self.assertEqual(response.status_code, 400)
        errors = response.json()["errors"]
        self.assertEqual(sorted(errors), ["document", "email", "fullname"])
        self.assertEqual(len(self.cases()), before)

    def test_a_body_that_is_not_an_object_is_refused(self):
        response = self.post(["Marie"])
        self.assertEqual(response.status_code, 400)
        self.assertIn("message", response.json())

    def test_fifty_simultaneous_submissions_make_fifty_cases(self):
        before = set(self.cases().objectIds())
        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(lambda _: self.post(VALID), range(50)))
        self.assertEqual([r.status_code for r in responses], [201] * 50)
        references = {r.json()["reference"] for r in responses}
        self.assertEqual(len(references), 50)
        created = set(self.cases().objectIds()) - before
        self.assertEqual(
            {re.sub("-", "", reference) for reference in references}, created
        )


BELGIAN_MODEL = """\
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
    <field name="iban" type="zope.schema.TextLine" easyform:validators="isIBAN">
      <title>Compte bancaire (IBAN)</title>
      <required>False</required>
    </field>
  </schema>
</model>
"""
BELGIAN_VALID = {
    "fullname": "Marie Dupont",
    "national_number": "85.07.30-033.28",
    "iban": "BE31 4354 1116 1155",
}


class TestSubmitApiValidators(unittest.TestCase):
    """A JSON client meets the Belgian validators the editor chose."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(self.portal, form_id="prime")
        form.fields_model = BELGIAN_MODEL
        transaction.commit()
        self.url = form.absolute_url() + "/++api++/@submit"

    def post(self, payload):
        return requests.post(
            self.url,
            json=payload,
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=60,
        )

    def count_cases(self):
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def test_invalid_numbers_are_refused_with_the_french_message(self):
        cases = {
            "national_number": (
                "85.07.30-033.29",
                "Ce numéro de registre national n'est pas valide "
                "(chiffres de contrôle incorrects).",
            ),
            "iban": (
                "BE31 4354 1116 1156",
                "Le numéro de compte IBAN n'est pas valide "
                "(chiffres de contrôle incorrects).",
            ),
        }
        for name, (value, message) in cases.items():
            with self.subTest(field=name):
                response = self.post({**BELGIAN_VALID, name: value})
                self.assertEqual(response.status_code, 400, response.text)
                self.assertEqual(response.json()["errors"], {name: message})
        self.assertEqual(self.count_cases(), 0)

    def test_valid_numbers_are_accepted(self):
        response = self.post(BELGIAN_VALID)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(self.count_cases(), 1)

    def test_an_optional_number_left_empty_is_accepted(self):
        response = self.post({**BELGIAN_VALID, "iban": ""})
        self.assertEqual(response.status_code, 201, response.text)
