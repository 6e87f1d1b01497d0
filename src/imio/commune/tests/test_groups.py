"""The agents' groups of the communal services, from the answers and by upgrade."""

from imio.commune.answers import AnswersError
from imio.commune.answers import ANSWERS_KEY
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.answers import stored_answers
from imio.commune.cli.sites import profile_versions
from imio.commune.cli.upgrade import upgrade_site
from imio.commune.groups import apply_agent_groups
from imio.commune.testing import COMMUNE_ANSWERS
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.component.hooks import setSite
from zope.schema.interfaces import IVocabularyFactory

import unittest


PROFILE = "imio.commune:default"
FRENCH_TITLES = {
    "agents-population-etat-civil": "Population - État civil",
    "agents-urbanisme": "Urbanisme",
    "agents-environnement": "Environnement",
    "agents-travaux": "Travaux",
    "agents-finances": "Finances",
    "agents-secretariat": "Secrétariat communal",
}


def agent_groups(site) -> dict:
    """Each agents' group of the site: its title and its site-wide roles."""
    groups = {}
    for group in api.group.get_groups():
        if group.getId().startswith("agents-"):
            roles = set(group.getRoles()) - {"Authenticated"}
            groups[group.getId()] = (group.getProperty("title"), roles)
    return groups


class TestAgentGroups(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)

    def test_a_new_site_has_one_group_per_service_titled_in_french(self):
        self.assertEqual(
            agent_groups(self.site),
            {
                group_id: (title, {"EguichetAgent"})
                for group_id, title in FRENCH_TITLES.items()
            },
        )

    def test_the_forms_processing_service_offers_the_groups(self):
        with api.env.adopt_roles(["Manager"]):
            form = api.content.create(
                container=self.site["e-guichet"],
                type="EasyForm",
                id="permis",
                title="Permis d'urbanisme",
            )
        factory = getUtility(IVocabularyFactory, "plone.app.vocabularies.Groups")
        term = factory(form).getTerm("agents-urbanisme")
        self.assertEqual(term.title, "Urbanisme")
        found = {term.value for term in factory(form, query="Population")}
        self.assertEqual(found, {"agents-population-etat-civil"})

    def test_an_agent_of_a_service_reaches_the_dashboard(self):
        api.user.create(email="agent@gesves.example", username="agent")
        api.group.add_user(groupname="agents-travaux", username="agent")
        with api.env.adopt_user(username="agent"):
            self.assertTrue(
                api.user.has_permission(
                    "imio.eguichet: Access Dashboard", obj=self.site
                )
            )

    def test_applying_again_changes_nothing(self):
        answers = stored_answers(self.site)
        self.assertEqual(apply_answers(self.site, answers), [])

    def test_services_of_a_commune_retitle_and_add_never_delete(self):
        answers = {
            **stored_answers(self.site),
            "agent_groups": [
                {"id": "urbanisme", "title": "Urbanisme et mobilité"},
                {"id": "cpas", "title": "CPAS"},
            ],
        }
        changes = apply_answers(self.site, answers)
        self.assertEqual(changes, ["groupe agents-urbanisme", "groupe agents-cpas"])
        groups = agent_groups(self.site)
        self.assertEqual(groups["agents-urbanisme"][0], "Urbanisme et mobilité")
        self.assertEqual(groups["agents-cpas"], ("CPAS", {"EguichetAgent"}))
        self.assertIn("agents-finances", groups)

    def test_titles_follow_the_site_language(self):
        changes = []
        answers = {"default_language": "de", "agent_groups": [{"id": "travaux"}]}
        with api.env.adopt_roles(["Manager"]):
            apply_agent_groups(self.site, answers, changes)
        self.assertEqual(changes, ["groupe agents-travaux"])
        self.assertEqual(
            agent_groups(self.site)["agents-travaux"][0], "Öffentliche Arbeiten"
        )


class TestAgentGroupsAnswers(unittest.TestCase):
    def test_default_services(self):
        answers = complete_answers(dict(COMMUNE_ANSWERS))
        self.assertEqual(
            [service["id"] for service in answers["agent_groups"]],
            [group_id.removeprefix("agents-") for group_id in FRENCH_TITLES],
        )

    def test_a_service_twice_is_refused(self):
        services = [{"id": "travaux"}, {"id": "travaux", "title": "Voirie"}]
        with self.assertRaises(AnswersError) as raised:
            complete_answers({**COMMUNE_ANSWERS, "agent_groups": services})
        self.assertEqual(raised.exception.field, "agent_groups")
        self.assertIn("deux fois", str(raised.exception))

    def test_an_unknown_service_needs_its_title(self):
        with self.assertRaises(AnswersError) as raised:
            complete_answers({**COMMUNE_ANSWERS, "agent_groups": [{"id": "cpas"}]})
        self.assertIn("donnez son titre", str(raised.exception))


class TestUpgradeTo1002(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.fresh = {
            "groups": agent_groups(self.site),
            "answers": dict(stored_answers(self.site)),
        }
        # The site as profile 1001 left it: no agents' groups, no answer for them.
        for group_id in self.fresh["groups"]:
            api.group.delete(groupname=group_id)
        old_answers = dict(self.fresh["answers"])
        del old_answers["agent_groups"]
        IAnnotations(self.site)[ANSWERS_KEY] = old_answers
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1001")

    def test_upgrade_brings_the_site_level_with_a_fresh_one(self):
        self.assertEqual(agent_groups(self.site), {})
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        self.assertEqual(agent_groups(self.site), self.fresh["groups"])
        self.assertEqual(stored_answers(self.site), self.fresh["answers"])
        self.assertEqual(
            profile_versions(self.site)["imio.commune"],
            self.site["portal_setup"].getVersionForProfile(PROFILE),
        )
        self.assertEqual(upgrade_site(self.site), "à jour")
