"""What a case writes in the catalog: the indexes it is searched by, no other."""

from collective.easyform.api import get_schema
from DateTime import DateTime
from imio.eguichet.cases import create_case
from imio.eguichet.content.case.content import ICase
from imio.eguichet.content.case_folder.content import get_cases_folder
from five.intid.keyreference import KeyReferenceToPersistent
from imio.eguichet.indexers import CaseKeyReference
from imio.eguichet.indexers import NOT_INDEXED
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import login
from plone.dexterity.interfaces import IDexterityContent
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from Products.CMFCore.indexing import processQueue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import unittest


# The queries of the dashboard and its filters, the statistics and exports
# (the same queries), "Mes démarches", the fleet report and the inventory.
SEARCHED_BY = (
    "portal_type",
    "review_state",
    "path",
    "UID",
    "allowedRolesAndUsers",
    "created",
    "object_provides",
    "case_reference",
    "case_form",
    "case_service",
    "case_assignee",
    "case_applicant",
    "case_due_date",
)
# Indexes that store nothing for any document.
STUBS = ("GopipIndex",)


class TestCaseIndexing(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal)
        api.user.create(
            email="marie.dupont@example.org",
            username="marie",
            password=TEST_USER_PASSWORD,
            properties={"fullname": "Marie Dupont"},
        )
        logout()
        login(self.portal, "marie")
        data = {
            "fullname": "Marie Dupont",
            "email": "marie.dupont@example.org",
            "reason": "Inscription à l'école communale",
        }
        self.case, _code = create_case(self.form, get_schema(self.form), data)
        logout()
        login(self.portal, TEST_USER_NAME)
        self.case.assignee = "agent-etat-civil"
        self.case.reindexObject(idxs=["case_assignee"])
        processQueue()
        self.catalog = api.portal.get_tool("portal_catalog")
        self.path = "/".join(self.case.getPhysicalPath())
        self.rid = self.catalog.getrid(self.path)

    def found(self, **query) -> bool:
        brains = self.catalog.unrestrictedSearchResults(**query)
        return self.path in [brain.getPath() for brain in brains]

    def test_found_by_each_query_of_the_back_office(self):
        folder = "/".join(get_cases_folder(self.portal).getPhysicalPath())
        due = DateTime(self.case.due_date.isoformat())
        queries = {
            "all cases": {"portal_type": "Case"},
            "state": {"portal_type": "Case", "review_state": "submitted"},
            "form": {"case_form": api.content.get_uuid(self.form)},
            "service": {"case_service": SERVICE},
            "assignee": {"case_assignee": "agent-etat-civil"},
            "applicant's user id": {"case_applicant": "marie"},
            "applicant's e-mail": {"case_applicant": "marie.dupont@example.org"},
            "reference": {"case_reference": self.case.getId()},
            "overdue from its due date on": {
                "case_due_date": {"query": due, "range": "min"}
            },
            "created today": {
                "created": {"query": DateTime() - 1, "range": "min"},
                "sort_on": "created",
                "sort_order": "reverse",
            },
            "in the cases container": {"path": {"query": folder, "depth": 1}},
            "UID": {"UID": api.content.get_uuid(self.case)},
            "as a case": {"object_provides": ICase.__identifier__},
        }
        for name, query in queries.items():
            with self.subTest(name):
                self.assertTrue(self.found(**query))

    def test_applicant_finds_it_with_their_permissions(self):
        logout()
        login(self.portal, "marie")
        brains = self.catalog(portal_type="Case", case_applicant="marie")
        self.assertEqual([brain.getPath() for brain in brains], [self.path])

    def test_brain_holds_what_the_dashboard_shows(self):
        brain = self.catalog.unrestrictedSearchResults(UID=self.case.UID())[0]
        self.assertEqual(brain.case_reference, self.case.getId())
        self.assertEqual(brain.case_form_title, "Certificat de résidence")
        self.assertEqual(brain.case_applicant_name, "Marie Dupont")
        self.assertEqual(brain.case_service, SERVICE)
        self.assertEqual(brain.case_assignee, "agent-etat-civil")
        self.assertEqual(brain.review_state, "submitted")
        self.assertEqual(brain.created, self.case.created())
        self.assertEqual(brain.case_due_date, DateTime(self.case.due_date.isoformat()))

    def test_absent_from_the_indexes_nothing_queries(self):
        skipped = [name for name in NOT_INDEXED if name in self.catalog.indexes()]
        # The site's usual indexes are there: the test checks something.
        self.assertGreater(len(skipped), 15)
        for name in skipped:
            index = self.catalog._catalog.getIndex(name)
            if index.meta_type in STUBS:
                continue
            with self.subTest(name):
                self.assertIsNone(index.getEntryForObject(self.rid, None))

    def test_object_provides_holds_the_case_and_content_interfaces_only(self):
        index = self.catalog._catalog.getIndex("object_provides")
        self.assertEqual(
            sorted(index.getEntryForObject(self.rid)),
            sorted([ICase.__identifier__, IDexterityContent.__identifier__]),
        )
        self.assertTrue(self.found(object_provides=IDexterityContent.__identifier__))

    def test_a_full_reindex_keeps_the_contract(self):
        self.case.reindexObject()
        processQueue()
        index = self.catalog._catalog.getIndex("SearchableText")
        self.assertIsNone(index.getEntryForObject(self.rid, None))
        self.assertTrue(self.found(case_reference=self.case.getId()))

    def test_citizen_names_are_not_in_the_full_text_search(self):
        self.assertFalse(self.found(SearchableText="Dupont"))
        self.assertFalse(self.found(Title="Certificat"))

    def test_still_in_every_index_it_is_searched_by(self):
        for name in SEARCHED_BY:
            index = self.catalog._catalog.getIndex(name)
            with self.subTest(name):
                self.assertIsNotNone(index.getEntryForObject(self.rid, None))

    def test_a_case_is_deleted_from_the_catalog(self):
        api.content.delete(obj=self.case)
        processQueue()
        self.assertFalse(self.found(portal_type="Case"))

    def test_integer_id_keyed_by_reference(self):
        intids = getUtility(IIntIds)
        uid = intids.getId(self.case)
        self.assertEqual(intids.getObject(uid), self.case)
        key = intids.refs[uid]
        self.assertEqual(key.reference, self.case.getId())
        # Sorted among the other cases by reference, not by database oid.
        for number in range(5):
            create_case(self.form, get_schema(self.form), {"fullname": f"C {number}"})
        keys = [k for k in intids.ids if k.key_type_id == key.key_type_id]
        self.assertEqual(len(keys), 6)
        self.assertEqual([k.reference for k in keys], sorted(k.reference for k in keys))

    def test_1005_keys_existing_cases_by_reference(self):
        intids = getUtility(IIntIds)
        uid = intids.getId(self.case)
        # A case registered before 1005, under Plone's key ordered by oid.
        new_key = intids.refs[uid]
        del intids.ids[new_key]
        old_key = KeyReferenceToPersistent(self.case)
        intids.ids[old_key] = uid
        intids.refs[uid] = old_key
        setup = self.portal.portal_setup
        setup.setLastVersionForProfile("imio.eguichet:default", "1004")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertEqual(intids.getId(self.case), uid)
        self.assertIsInstance(intids.refs[uid], CaseKeyReference)
        self.assertNotIn(old_key, intids.ids)
        api.content.delete(obj=self.case)
        self.assertNotIn(uid, intids.refs)
