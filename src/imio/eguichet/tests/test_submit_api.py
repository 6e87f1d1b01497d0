"""Submitting an e-guichet form through the REST API, as a citizen's app does."""

from concurrent.futures import ThreadPoolExecutor
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.reference import normalize_reference
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
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
