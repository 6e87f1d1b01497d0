"""Each library form goes to its service's agents, from the first submission."""

from aiosmtpd.controller import Controller
from imio.commune.answers import AnswersError
from imio.commune.answers import complete_answers
from imio.commune.cli.profiles import answers_schema
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from collective.easyform.api import get_schema
from imio.commune.answers import apply_answers
from imio.commune.answers import route_library_forms
from imio.commune.cli.upgrade import upgrade_site
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.eguichet.cases import create_case
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import TEST_USER_NAME
from imio.commune.testing import COMMUNE_ANSWERS
from imio.commune.testing import COMMUNE_SITE_ID
from imio.eguichet.behaviors import ANYONE
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.library import available_forms
from imio.eguichet.library import FORM_IDS
from imio.eguichet.library import SERVICES
from imio.eguichet.testing import free_port
from imio.eguichet.testing import Inbox
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import MARIE
from imio.eguichet.tests.library_helpers import VALID_ANSWERS
from imio.eguichet.tests.library_helpers import VALID_FILES
from lxml import html
from plone import api
from zope.component.hooks import setSite

from datetime import date
from pathlib import Path

import re
import transaction
import yaml
import unittest


REFERENCE = re.compile(r'class="case-reference"[^>]*>([^<]+)<')
FLEET_GUIDE = Path(__file__).resolve().parents[4] / "docs" / "operators" / "fleet.md"
OHEY = {"site_id": "ohey", "title": "Commune d'Ohey", "refnis": "92097"}
PASSWORD = "Agent-Ohey-2026!"  # noqa: S105 - the test agents'
# One agent per service of the library's forms, and the group titles the
# case page shows.
AGENTS = {
    "population-etat-civil": ("anne.lejeune", "Population - État civil"),
    "secretariat": ("pierre.collard", "Secrétariat communal"),
    "travaux": ("julie.renard", "Travaux"),
}
PROFILE = "imio.commune:default"
VALID_ANSWERS_DATA = {
    "act_type": "naissance",
    "concerned_person": "Léa Dupont",
    "event_date": date(2019, 4, 12),
    "event_place": "Gesves",
    "relationship": "family",
    "lastname": "Dupont",
    "firstname": "Marie",
    "email": "marie.dupont@example.org",
}


class TestServiceGroupsAnswers(unittest.TestCase):
    def test_schema_names_the_services_of_the_library(self):
        field = answers_schema()["properties"]["service_groups"]
        self.assertEqual(field["propertyNames"]["enum"], list(SERVICES))

    def test_a_form_whose_service_has_no_group_is_refused(self):
        with self.assertRaises(AnswersError) as raised:
            complete_answers({
                **OHEY,
                "agent_groups": [{"id": "population-etat-civil"}],
                "eguichet_forms": ["extrait-acte", "signalement-voirie"],
            })
        self.assertEqual(raised.exception.field, "eguichet_forms")
        self.assertIn("signalement-voirie", str(raised.exception))
        self.assertIn("travaux", str(raised.exception))

    def test_a_commune_maps_a_service_to_its_own_group(self):
        answers = complete_answers({
            **OHEY,
            "agent_groups": [
                {"id": "population-etat-civil"},
                {"id": "voirie", "title": "Service voirie"},
            ],
            "service_groups": {"travaux": "voirie"},
            "eguichet_forms": ["extrait-acte", "signalement-voirie"],
        })
        self.assertEqual(answers["service_groups"], {"travaux": "voirie"})

    def test_the_guides_mapping_is_valid_with_every_library_form(self):
        blocks = re.findall(r"```yaml\n(.*?)```", FLEET_GUIDE.read_text(), re.S)
        (example,) = [block for block in blocks if "service_groups" in block]
        answers = complete_answers({
            **OHEY,
            **yaml.safe_load(example),
            "eguichet_forms": list(FORM_IDS),
        })
        self.assertEqual(answers["service_groups"], {"travaux": "voirie"})

    def test_a_mapping_to_no_group_or_of_no_service_is_refused(self):
        for mapping in ({"travaux": "voirie"}, {"mobilite": "travaux"}):
            with self.subTest(mapping=mapping):
                with self.assertRaises(AnswersError) as raised:
                    complete_answers({**OHEY, "service_groups": mapping})
                self.assertEqual(raised.exception.field, "service_groups")


class TestRouting(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.inbox = Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        # The layer's site, created by the distribution, deployed again
        # with every form and a commune's own name for its works service.
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        answers = complete_answers({
            **COMMUNE_ANSWERS,
            "mail_sender": "e-guichet@gesves.be",
            "eguichet_forms": list(FORM_IDS),
            "agent_groups": [
                {"id": "population-etat-civil"},
                {"id": "secretariat"},
                {"id": "voirie", "title": "Travaux"},
            ],
            "service_groups": {"travaux": "voirie"},
        })
        apply_answers(self.site, answers)
        self.site.MailHost.smtp_queue = False
        self.site.MailHost.smtp_host = "127.0.0.1"
        self.site.MailHost.smtp_port = self.smtp.port
        api.portal.set_registry_record("imio.eguichet.submissions_per_hour_per_ip", 0)
        groups = {
            "population-etat-civil": "agents-population-etat-civil",
            "secretariat": "agents-secretariat",
            "travaux": "agents-voirie",
        }
        for service, (user_id, _title) in AGENTS.items():
            api.user.create(
                username=user_id, email=f"{user_id}@ohey.be", password=PASSWORD
            )
            api.group.add_user(groupname=groups[service], username=user_id)
        # Signed in with her identity card: every form is open to her.
        self.citizen = citizen_cookies(self.layer["request"], MARIE, LEVEL_HIGH)
        transaction.commit()

    def tearDown(self):
        self.smtp.stop()

    def submit(self, ready) -> str:
        """Send the form, anonymously when it allows it; the case's reference."""
        cookies = self.citizen if ready.submitters != ANYONE else None
        citizen = Citizen(cookies=cookies)
        try:
            form_url = self.site["e-guichet"][ready.id].absolute_url()
            summary = citizen.fill(
                form_url, VALID_ANSWERS[ready.id], VALID_FILES.get(ready.id)
            )
            sent = citizen.press(summary, "send")
        finally:
            citizen.close()
        found = REFERENCE.search(sent.text)
        self.assertIsNotNone(found, sent.text[-2000:])
        return found.group(1)

    def as_agent(self, user_id, path, **params):
        page = Citizen(auth=(user_id, PASSWORD))
        try:
            answer = page.session.get(
                f"{self.site.absolute_url()}/{path}", params=params, timeout=30
            )
        finally:
            page.close()
        self.assertEqual(answer.status_code, 200)
        return answer

    def dashboard_references(self, user_id, reference):
        page = self.as_agent(user_id, "@@demandes-dashboard", reference=reference)
        return REFERENCE.findall(page.text)

    def dashboard_services(self, user_id, reference):
        page = self.as_agent(user_id, "@@demandes-dashboard", reference=reference)
        cells = html.fromstring(page.text).xpath("//td[@class='case-service']")
        return [cell.text_content().strip() for cell in cells]

    def test_each_form_reaches_its_services_agents_only(self):
        for ready in available_forms():
            with self.subTest(form=ready.id):
                settings = IEguichetForm(self.site["e-guichet"][ready.id])
                self.assertTrue(settings.processing_service)
                reference = self.submit(ready)
                agent, title = AGENTS[ready.service]
                self.assertEqual(
                    self.dashboard_references(agent, reference), [reference]
                )
                self.assertEqual(self.dashboard_services(agent, reference), [title])
                for other, _title in AGENTS.values():
                    if other != agent:
                        self.assertEqual(
                            self.dashboard_references(other, reference), []
                        )
                case = self.as_agent(agent, f"demandes/{reference.replace('-', '')}")
                tree = html.fromstring(case.text)
                service = tree.xpath("//dd[@class='case-service']")
                self.assertEqual(service[0].text_content().strip(), title)


OLD_ACTIONS = """<model xmlns="http://namespaces.plone.org/supermodel/schema">
  <schema>
    <field name="create_case" type="imio.eguichet.actions.CreateCase">
      <title>Créer une demande</title>
    </field>
    <field name="mailer" type="collective.easyform.actions.Mailer">
      <title>Courriel au service</title>
      <replyto_field>email</replyto_field>
      <recipient_email>population@gesves.be</recipient_email>
    </field>
    <field name="copy" type="collective.easyform.actions.Mailer">
      <title>Copie au demandeur</title>
      <to_field>email</to_field>
    </field>
  </schema>
</model>
"""


class TestUpgradeTo1006(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        apply_answers(
            self.site,
            complete_answers({**COMMUNE_ANSWERS, "eguichet_forms": ["extrait-acte"]}),
        )
        # The form and its case as profile 1005 left them.
        self.form = self.site["e-guichet"]["extrait-acte"]
        self.form.processing_service = None
        self.form.actions_model = OLD_ACTIONS
        logout()
        self.case, _code = create_case(
            self.form, get_schema(self.form), VALID_ANSWERS_DATA
        )
        login(self.site, TEST_USER_NAME)
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1005")

    def test_forms_and_cases_get_their_service_and_mail_no_answer(self):
        self.assertIsNone(self.case.service)
        upgrade_site(self.site)
        group = "agents-population-etat-civil"
        self.assertEqual(IEguichetForm(self.form).processing_service, group)
        self.assertEqual(self.case.service, group)
        self.assertIn("CaseAgent", self.case.get_local_roles_for_userid(group))
        catalog = api.portal.get_tool("portal_catalog")
        found = catalog.unrestrictedSearchResults(case_service=group)
        self.assertEqual([brain.getId for brain in found], [self.case.getId()])
        actions = self.form.actions_model
        self.assertIn("imio.eguichet.actions.NotifyService", actions)
        self.assertIn("population@gesves.be", actions)
        # The applicant's copy, to an address of the form, stays.
        self.assertEqual(actions.count("collective.easyform.actions.Mailer"), 1)
        self.assertIn("<to_field>email</to_field>", actions)
        # An editor's later choice of service is kept by a second run.
        self.form.processing_service = "agents-secretariat"
        route_library_forms(self.site, complete_answers(COMMUNE_ANSWERS), [])
        self.assertEqual(self.form.processing_service, "agents-secretariat")
