"""Retention: closed cases anonymised when their form's period ends."""

from collective.easyform.api import get_schema
from datetime import datetime
from imio.belgium.testing import at
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.browser.dashboard import row
from imio.eguichet.browser.statistics import StatisticsView
from imio.eguichet.cases import create_case
from imio.eguichet.cases import site_now
from imio.eguichet.content.case.messages import add_message
from imio.eguichet.content.case.notes import add_note
from imio.eguichet.retention import anonymise
from imio.eguichet.retention import closed_on
from imio.eguichet.retention import due
from imio.eguichet.retention import is_anonymised
from imio.eguichet.retention import old_not_anonymised
from imio.eguichet.testing import add_form
from imio.eguichet.upgrades.v1012 import index_closed_cases
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from plone.namedfile.file import NamedBlobFile
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory
from zoneinfo import ZoneInfo

import requests
import transaction
import unittest


BRUSSELS = ZoneInfo("Europe/Brussels")
ANSWERS = {
    "fullname": "Hélène Lefèvre",
    "email": "helene@example.org",
    "reason": "Inscription scolaire",
}


class RetentionTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        # Twelve months, and the reason is no one's: kept for the statistics.
        self.form = add_form(self.portal, retention_months=12, kept_fields=["reason"])

    def submit(self, form=None, moment=(2025, 3, 1, 9, 0)):
        form = form or self.form
        with at(*moment):
            case, _code = create_case(
                form,
                get_schema(form),
                {
                    **ANSWERS,
                    "document": NamedBlobFile(b"%PDF bail", filename="bail.pdf"),
                },
            )
        return case

    def move(self, case, moment, *transitions, comment=""):
        with at(*moment):
            for transition in transitions:
                api.content.transition(case, transition, comment=comment)

    def refused(self, moment, form=None):
        case = self.submit(form)
        self.move(case, moment, "receive", "start")
        self.move(case, moment, "refuse", comment="Hélène n'habite pas ici.")
        return case


class TestClosedOn(RetentionTestCase):
    def test_open_cases_are_not_closed(self):
        case = self.submit()
        self.move(case, (2025, 3, 2, 9, 0), "receive", "start")
        self.assertIsNone(closed_on(case))

    def test_refused_then_closed_counts_from_the_refusal(self):
        case = self.refused((2025, 3, 14, 10, 0))
        self.move(case, (2025, 4, 1, 10, 0), "close")
        self.assertEqual(closed_on(case), datetime(2025, 3, 14, 10, 0, tzinfo=BRUSSELS))

    def test_withdrawn(self):
        case = self.submit()
        self.move(case, (2025, 3, 3, 8, 0), "withdraw", comment="Plus besoin")
        self.assertEqual(closed_on(case), datetime(2025, 3, 3, 8, 0, tzinfo=BRUSSELS))


class TestDue(RetentionTestCase):
    def test_exactly_the_cases_past_their_period(self):
        day_after = self.refused((2025, 3, 14, 10, 0))
        day_before = self.refused((2025, 3, 16, 10, 0))
        still_open = self.submit()
        with at(2026, 3, 15, 10, 0):
            found = [brain.getObject() for brain in due(self.portal, site_now())]
        self.assertEqual(found, [day_after])
        self.assertNotIn(day_before, found)
        self.assertNotIn(still_open, found)

    def test_anonymised_cases_are_no_longer_due(self):
        case = self.refused((2024, 1, 10, 10, 0))
        now = datetime(2026, 3, 15, 10, 0, tzinfo=BRUSSELS)
        self.assertEqual(len(due(self.portal, now)), 1)
        anonymise(case, now)
        self.assertEqual(due(self.portal, now), [])

    def test_forms_without_period_are_reported_old(self):
        forever = add_form(self.portal, "sans-delai", retention_months=None)
        self.refused((2023, 1, 10, 10, 0), form=forever)
        self.refused((2023, 1, 10, 10, 0))
        now = datetime(2026, 3, 15, 10, 0, tzinfo=BRUSSELS)
        self.assertEqual(
            old_not_anonymised(self.portal, now), {api.content.get_uuid(forever): 1}
        )
        self.assertEqual(len(due(self.portal, now)), 1)


class TestUpgrade(RetentionTestCase):
    def test_1012_indexes_the_cases_already_closed(self):
        case = self.refused((2024, 1, 10, 10, 0))
        self.submit()
        catalog = api.portal.get_tool("portal_catalog")
        catalog.delIndex("case_closed_on")
        catalog.delColumn("case_anonymised_on")
        index_closed_cases(None)
        now = datetime(2026, 3, 15, 10, 0, tzinfo=BRUSSELS)
        self.assertEqual([brain.getObject() for brain in due(self.portal, now)], [case])
        self.assertIsNone(catalog(case_reference=case.getId())[0].case_anonymised_on)


class TestAnonymise(RetentionTestCase):
    def setUp(self):
        super().setUp()
        self.case = case = self.submit()
        case.set_access_code("ABCDEFGHJK")
        self.applicant = case.applicant_id
        with at(2025, 3, 2, 9, 0):
            add_message(case, "Votre bail ?", False)
            add_message(
                case, "Le voici", True, [("bail2.pdf", "application/pdf", b"x")]
            )
            add_note(case, "Hélène est passée au guichet")
        self.move(case, (2025, 3, 3, 9, 0), "receive", "start")
        self.move(case, (2025, 3, 4, 9, 0), "accept", comment="Bienvenue Hélène")
        self.move(case, (2025, 3, 5, 9, 0), "close")
        self.now = datetime(2026, 6, 1, 2, 0, tzinfo=BRUSSELS)

    def test_personal_data_erased(self):
        case = self.case
        self.assertTrue(case.letter)
        anonymise(case, self.now)
        self.assertEqual(case.values, {"reason": "Inscription scolaire"})
        self.assertEqual(case.labels, {"reason": "Motif de la demande"})
        self.assertEqual(case.attachments, {})
        self.assertIsNone(case.letter)
        self.assertEqual(
            [sorted(message) for message in case.messages],
            [["date", "from_applicant"]] * 2,
        )
        self.assertEqual(case.internal_notes, [])
        for name in ("applicant_id", "applicant_email", "applicant_name"):
            self.assertIsNone(getattr(case, name))
        self.assertIsNone(case.verified_fields)
        self.assertFalse(case.check_access_code("ABCDEFGHJK"))
        owners = [p for p, roles in case.get_local_roles() if "Owner" in roles]
        self.assertEqual(owners, [])
        history = case.workflow_history["imio_case_workflow"]
        self.assertEqual({entry["comments"] for entry in history}, {""})
        # The applicant's own steps no longer name them.
        self.assertEqual(self.applicant, TEST_USER_ID)
        self.assertNotIn(TEST_USER_ID, {entry["actor"] for entry in history})

    def test_what_the_records_keep(self):
        case = self.case

        def kept():
            return (
                case.getId(),
                case.form_uid,
                case.form_title,
                case.service,
                case.due_date,
                case.created(),
                api.content.get_state(case),
                [
                    entry["time"]
                    for entry in case.workflow_history["imio_case_workflow"]
                ],
            )

        before = kept()
        anonymise(case, self.now)
        self.assertEqual(kept(), before)
        self.assertEqual(
            case.Title(), f"Certificat de résidence {case.formatted_reference()}"
        )

    def test_marked_once(self):
        self.assertFalse(is_anonymised(self.case))
        anonymise(self.case, self.now)
        self.assertTrue(is_anonymised(self.case))
        self.assertEqual(self.case.anonymised_on, self.now)
        anonymise(self.case, datetime(2027, 1, 1, tzinfo=BRUSSELS))
        self.assertEqual(self.case.anonymised_on, self.now)

    def test_catalog_forgets_the_applicant(self):
        catalog = api.portal.get_tool("portal_catalog")
        self.assertEqual(len(catalog(case_applicant="helene@example.org")), 1)
        anonymise(self.case, self.now)
        self.assertEqual(len(catalog(case_applicant="helene@example.org")), 0)
        if self.applicant:
            self.assertEqual(len(catalog(case_applicant=self.applicant)), 0)
        brain = catalog(case_reference=self.case.getId())[0]
        self.assertIsNone(brain.case_applicant_name)
        self.assertEqual(brain.case_anonymised_on, self.now)

    def test_statistics_unchanged(self):
        self.refused((2025, 3, 20, 9, 0))
        self.submit()
        before = statistics(self.portal)
        for brain in due(self.portal, self.now):
            anonymise(brain.getObject(), self.now)
        self.assertTrue(is_anonymised(self.case))
        self.assertEqual(statistics(self.portal), before)


class TestAnonymisedPage(RetentionTestCase):
    def test_case_page_says_anonymised_and_since_when(self):
        case = self.refused((2024, 1, 10, 10, 0))
        anonymise(case, datetime(2026, 6, 1, 2, 0, tzinfo=BRUSSELS))
        page = " ".join(
            api.content.get_view("view", case, self.layer["request"])().split()
        )
        # The integration request is in English; TestAnonymisedPageInFrench
        # reads the page over HTTP.
        notice = "Request anonymised on June 1, 2026 (end of the retention period)"
        self.assertTrue(notice in page)
        self.assertTrue("Only the answers kept for statistics remain" in page)
        self.assertTrue("Inscription scolaire" in page)
        self.assertFalse("Hélène" in page)
        self.assertFalse("bail.pdf" in page)

    def test_dashboard_and_exports_say_it_instead_of_the_applicant(self):
        case = self.refused((2024, 1, 10, 10, 0))
        other = self.refused((2024, 1, 10, 10, 0))
        anonymise(case, datetime(2026, 6, 1, 2, 0, tzinfo=BRUSSELS))
        catalog = api.portal.get_tool("portal_catalog")
        rows = {brain.getObject(): row(brain) for brain in catalog(portal_type="Case")}
        self.assertEqual(
            rows[case]["applicant"],
            "Request anonymised on June 1, 2026 (end of the retention period)",
        )
        self.assertEqual(rows[other]["applicant"], other.applicant_name)

    def test_other_cases_say_nothing_of_it(self):
        case = self.refused((2024, 1, 10, 10, 0))
        page = api.content.get_view("view", case, self.layer["request"])()
        self.assertFalse("Request anonymised" in page)
        self.assertTrue("Hélène" in page)


class TestAnonymisedPageInFrench(RetentionTestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def test_agents_read_it_in_french(self):
        case = self.refused((2024, 1, 10, 10, 0))
        anonymise(case, datetime(2026, 6, 1, 2, 0, tzinfo=BRUSSELS))
        transaction.commit()
        response = requests.get(
            case.absolute_url(),
            auth=(TEST_USER_NAME, TEST_USER_PASSWORD),
            timeout=30,
        )
        self.assertEqual(response.status_code, 200)
        page = " ".join(response.text.split())
        self.assertIn(
            "Demande anonymisée le 1 juin 2026 (fin du délai de conservation)", page
        )
        self.assertIn("Seules les réponses gardées pour les statistiques", page)


class TestKeptFieldsChoice(RetentionTestCase):
    def test_the_forms_own_fields_but_files(self):
        factory = getUtility(IVocabularyFactory, "imio.eguichet.FormFields")
        terms = [(term.value, term.title) for term in factory(self.form)]
        self.assertEqual(
            terms,
            [
                ("fullname", "Nom et prénom"),
                ("email", "Adresse e-mail"),
                ("reason", "Motif de la demande"),
            ],
        )
        self.assertEqual(list(factory(self.portal)), [])

    def test_the_edit_forms_field_offers_them(self):
        # Bound as the edit form binds it: to the form's behavior adapter.
        field = IEguichetForm["kept_fields"].bind(IEguichetForm(self.form))
        choice = field.value_type.bind(IEguichetForm(self.form))
        self.assertIn("reason", choice.vocabulary)
        self.assertNotIn("document", choice.vocabulary)
        choice.validate("reason")


def statistics(portal) -> tuple:
    view = StatisticsView(portal, portal.REQUEST)
    view.filters = {"form": "", "service": ""}
    with at(2026, 6, 1, 12, 0):
        view.compute()
    figures = [view.total, *view.per_form.values(), *view.per_service.values()]
    return [
        (
            figure.per_state,
            figure.per_month,
            sorted(figure.processing_days),
            figure.median_days(),
            figure.overdue_percent(),
        )
        for figure in figures
    ]
