"""A submission becomes a case in the site's one cases container."""

from datetime import timedelta
from DateTime import DateTime
from imio.eguichet.cases import create_case
from imio.eguichet.cases import site_now
from imio.eguichet.cases import SubmissionRefused
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.reference import ALPHABET
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.interfaces import IBlobby
from plone.folder.unordered import UnorderedOrdering
from collective.easyform.api import get_schema

import unittest


def submission(**values):
    data = {
        "fullname": "Marie Dupont",
        "email": "marie.dupont@example.org",
        "reason": "Inscription à l'école",
    }
    data.update(values)
    return data


class TestCasesFolder(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]

    def test_one_unordered_container_for_the_site(self):
        folder = get_cases_folder(self.portal)
        self.assertEqual(folder.getId(), "demandes")
        self.assertEqual(folder.portal_type, "CaseFolder")
        self.assertIsInstance(folder.getOrdering(), UnorderedOrdering)

    def test_container_is_not_listed_to_the_public(self):
        folder = get_cases_folder(self.portal)
        logout()
        self.assertFalse(api.user.has_permission("View", obj=folder))

    def test_only_cases_may_be_added(self):
        types = api.portal.get_tool("portal_types")
        self.assertTrue(types["CaseFolder"].filter_content_types)
        self.assertEqual(types["CaseFolder"].allowed_content_types, ("Case",))
        self.assertFalse(types["Case"].global_allow)
        self.assertFalse(types["CaseFolder"].global_allow)


class TestCreateCase(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal)
        self.schema = get_schema(self.form)
        logout()

    def submit(self, **values):
        return create_case(self.form, self.schema, submission(**values))

    def test_reference_is_the_id_in_the_cases_container(self):
        case, _code = self.submit()
        self.assertEqual(case.portal_type, "Case")
        self.assertIs(case.aq_parent.aq_base, get_cases_folder(self.portal).aq_base)
        self.assertEqual(len(case.getId()), 8)
        self.assertLessEqual(set(case.getId()), set(ALPHABET))
        self.assertEqual(case.reference, case.getId())
        self.assertEqual(
            case.formatted_reference(), f"{case.getId()[:4]}-{case.getId()[4:]}"
        )

    def test_snapshot_of_the_form_and_values(self):
        case, _code = self.submit()
        self.assertEqual(case.form_title, "Certificat de résidence")
        self.assertEqual(case.form_uid, api.content.get_uuid(self.form))
        self.assertEqual(len(case.form_version), 12)
        self.assertEqual(case.values["fullname"], "Marie Dupont")
        self.assertEqual(case.values["reason"], "Inscription à l'école")
        self.assertEqual(case.labels["reason"], "Motif de la demande")
        self.assertEqual(
            case.Title(), f"Certificat de résidence {case.formatted_reference()}"
        )

    def test_form_version_changes_with_its_fields(self):
        first, _code = self.submit()
        self.form.fields_model = self.form.fields_model.replace(
            "Motif de la demande", "Motif"
        )
        second, _code = create_case(self.form, get_schema(self.form), submission())
        self.assertNotEqual(first.form_version, second.form_version)

    def test_uploaded_file_is_kept_as_a_blob(self):
        upload = NamedBlobFile(b"%PDF-1.4 test", filename="carte.pdf")
        case, _code = self.submit(document=upload)
        stored = case.attachments["document"]
        self.assertTrue(IBlobby.providedBy(stored))
        self.assertEqual(stored.data, b"%PDF-1.4 test")
        self.assertEqual(stored.filename, "carte.pdf")
        self.assertEqual(case.values["document"], {"filename": "carte.pdf", "size": 13})

    def test_anonymous_applicant_gets_an_access_code(self):
        case, code = self.submit()
        self.assertIsNone(case.applicant_id)
        self.assertEqual(case.applicant_email, "marie.dupont@example.org")
        self.assertEqual(case.applicant_name, "Marie Dupont")
        self.assertEqual(len(code), 10)
        self.assertTrue(case.check_access_code(code))
        self.assertTrue(case.check_access_code(code.lower()))
        self.assertFalse(case.check_access_code("WRONGCODE2"))
        self.assertFalse(case.check_access_code(""))
        self.assertNotIn(code, str(vars(case)))

    def test_logged_in_applicant_owns_the_case(self):
        api.user.create(
            email="jean@example.org",
            username="jean",
            properties={"fullname": "Jean Martin"},
        )
        with api.env.adopt_user(username="jean"):
            case, code = self.submit()
        self.assertIsNone(code)
        self.assertEqual(case.applicant_id, "jean")
        self.assertEqual(case.applicant_email, "jean@example.org")
        self.assertEqual(case.applicant_name, "Jean Martin")
        self.assertEqual(case.listCreators(), ("jean",))
        owners = [p for p, roles in case.get_local_roles() if "Owner" in roles]
        self.assertEqual(owners, ["jean"])

    def test_service_agents_get_the_agent_role(self):
        case, _code = self.submit()
        self.assertEqual(case.service, SERVICE)
        self.assertEqual(case.get_local_roles_for_userid(SERVICE), ("CaseAgent",))

    def test_due_date_from_the_form_delay(self):
        case, _code = self.submit()
        self.assertEqual(case.due_date, site_now().date() + timedelta(days=10))
        self.form.delay_days = None
        case, _code = self.submit()
        self.assertIsNone(case.due_date)

    def test_case_starts_submitted_with_history(self):
        case, _code = self.submit()
        self.assertEqual(api.content.get_state(case), "submitted")
        history = case.workflow_history["imio_case_workflow"]
        self.assertEqual(history[0]["review_state"], "submitted")

    def test_case_is_indexed_for_the_dashboard(self):
        case, _code = self.submit()
        catalog = api.portal.get_tool("portal_catalog")
        query = {
            "case_reference": case.getId(),
            "case_form": api.content.get_uuid(self.form),
            "case_service": SERVICE,
            "case_applicant": "marie.dupont@example.org",
            "case_due_date": {"query": DateTime() + 9, "range": "min"},
        }
        brains = catalog.unrestrictedSearchResults(**query)
        self.assertEqual([brain.getId for brain in brains], [case.getId()])
        brain = brains[0]
        self.assertEqual(brain.case_reference, case.getId())
        self.assertEqual(brain.case_form_title, "Certificat de résidence")
        self.assertEqual(brain.case_applicant_name, "Marie Dupont")
        self.assertEqual(brain.case_service, SERVICE)
        self.assertEqual(brain.review_state, "submitted")

    def test_anonymous_applicant_cannot_see_the_case(self):
        case, _code = self.submit()
        self.assertFalse(api.user.has_permission("View", obj=case))

    def test_internal_notes_are_for_agents(self):
        case, _code = self.submit()
        permission = "imio.eguichet: View Internal Notes"
        api.user.create(email="agent@example.org", username="agent")
        api.group.add_user(groupname=SERVICE, username="agent")
        self.assertTrue(api.user.has_permission(permission, username="agent", obj=case))
        api.user.create(email="jean@example.org", username="jean")
        case.manage_setLocalRoles("jean", ["Owner"])
        self.assertTrue(api.user.has_permission("View", username="jean", obj=case))
        self.assertFalse(api.user.has_permission(permission, username="jean", obj=case))

    def test_closed_form_refuses_submissions(self):
        self.form.closing_date = site_now().replace(tzinfo=None) - timedelta(days=1)
        with self.assertRaises(SubmissionRefused):
            self.submit()
        self.form.closing_date = None
        self.form.opening_date = site_now() + timedelta(days=1)
        with self.assertRaises(SubmissionRefused):
            self.submit()

    def test_citizens_only_form_refuses_anonymous(self):
        self.form.submitters = "citizens"
        with self.assertRaises(SubmissionRefused):
            self.submit()
