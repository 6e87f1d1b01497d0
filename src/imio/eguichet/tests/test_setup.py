"""Installing and removing imio.eguichet."""

from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.interfaces import IImioEguichetLayer
from imio.eguichet.library import install_form
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.base.utils import get_installer
from plone.browserlayer import utils as browserlayer

import unittest


class TestInstall(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.installer = get_installer(self.portal, self.layer["request"])

    def test_installed_with_the_form_builder(self):
        self.assertTrue(self.installer.is_product_installed("imio.eguichet"))
        self.assertTrue(self.installer.is_product_installed("collective.easyform"))
        self.assertIn(IImioEguichetLayer, browserlayer.registered_layers())

    def test_uninstall_removes_the_layer(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.installer.uninstall_product("imio.eguichet")
        self.assertNotIn(IImioEguichetLayer, browserlayer.registered_layers())


class TestUpgrades(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_1001_gives_agents_the_dashboard_and_export(self):
        portal = self.layer["portal"]
        setup = portal.portal_setup
        for permission in ("Access Dashboard", "Export Cases"):
            portal.manage_permission(f"imio.eguichet: {permission}", [], acquire=True)
        setup.setLastVersionForProfile("imio.eguichet:default", "1000")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )
        for permission in ("Access Dashboard", "Export Cases"):
            roles = [
                role["name"]
                for role in portal.rolesOfPermission(f"imio.eguichet: {permission}")
                if role["selected"]
            ]
            self.assertIn("EguichetAgent", roles)

    def test_1002_adds_the_decision_date_and_the_submission_limits(self):
        portal = self.layer["portal"]
        setup = portal.portal_setup
        catalog = portal.portal_catalog
        catalog.delColumn("case_decided")
        setup.setLastVersionForProfile("imio.eguichet:default", "1001")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertIn("case_decided", catalog.schema())
        self.assertEqual(
            api.portal.get_registry_record("imio.eguichet.submissions_per_hour_per_ip"),
            20,
        )
        self.assertIn(
            "127.0.0.1", api.portal.get_registry_record("imio.eguichet.trusted_proxies")
        )

    def test_1003_offers_the_check_answers_view_once(self):
        portal = self.layer["portal"]
        setup = portal.portal_setup
        fti = portal.portal_types["EasyForm"]
        fti.view_methods = ("view",)
        for _run in range(2):
            setup.setLastVersionForProfile("imio.eguichet:default", "1002")
            setup.upgradeProfile("imio.eguichet:default")
            self.assertEqual(fti.view_methods, ("view", "demande"))
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )

    def test_1004_puts_the_cases_in_the_personal_menu(self):
        portal = self.layer["portal"]
        setup = portal.portal_setup
        user_actions = portal.portal_actions.user
        user_actions.manage_delObjects(["mes-demarches", "demandes-dashboard"])
        setup.setLastVersionForProfile("imio.eguichet:default", "1003")
        setup.upgradeProfile("imio.eguichet:default")
        ids = user_actions.objectIds()
        self.assertEqual(
            ids[ids.index("dashboard") + 1 : ids.index("dashboard") + 3],
            ["mes-demarches", "demandes-dashboard"],
        )
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )

    def test_1006_lets_agents_resume_or_refuse_a_case_awaiting_information(self):
        portal = self.layer["portal"]
        setup = portal.portal_setup
        workflow = portal.portal_workflow["imio_case_workflow"]
        awaiting = workflow.states["awaiting_info"]
        awaiting.transitions = ("provide_info", "withdraw")
        workflow.transitions.manage_delObjects(["resume"])
        setup.setLastVersionForProfile("imio.eguichet:default", "1005")
        setup.upgradeProfile("imio.eguichet:default")
        workflow = portal.portal_workflow["imio_case_workflow"]
        awaiting = workflow.states["awaiting_info"]
        self.assertEqual(
            set(awaiting.transitions), {"provide_info", "resume", "refuse", "withdraw"}
        )
        self.assertEqual(workflow.transitions["resume"].new_state_id, "in_progress")
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )

    def test_1009_tells_what_the_library_forms_need_and_editors_words_stay(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        extract = IEguichetForm(install_form(portal, "extrait-acte"))
        extract.documents = None
        extract.duration_minutes = None
        hall = IEguichetForm(install_form(portal, "reservation-salle"))
        hall.documents = "Le plan de votre événement"
        hall.duration_minutes = 20
        setup = portal.portal_setup
        setup.setLastVersionForProfile("imio.eguichet:default", "1008")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertEqual(
            extract.documents.splitlines(),
            [
                "La date et le lieu de l'acte (naissance, mariage ou décès)",
                "Les noms des personnes concernées",
            ],
        )
        self.assertEqual(extract.duration_minutes, 5)
        self.assertEqual(hall.documents, "Le plan de votre événement")
        self.assertEqual(hall.duration_minutes, 20)
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )

    def test_1010_asks_eid_or_itsme_for_the_population_certificates(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        forms = {
            form_id: IEguichetForm(install_form(portal, form_id))
            for form_id in (
                "certificat-de-residence",
                "composition-de-menage",
                "declaration-perte-document",
                "extrait-acte",
            )
        }
        # As installed before: any signed-in citizen.
        forms["certificat-de-residence"].submitters = "citizens"
        forms["composition-de-menage"].submitters = "citizens"
        # An editor opened this one to anyone: their choice stays.
        forms["declaration-perte-document"].submitters = "anyone"
        setup = portal.portal_setup
        setup.setLastVersionForProfile("imio.eguichet:default", "1009")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertEqual(
            {form_id: settings.submitters for form_id, settings in forms.items()},
            {
                "certificat-de-residence": "citizens_high",
                "composition-de-menage": "citizens_high",
                "declaration-perte-document": "anyone",
                "extrait-acte": "anyone",
            },
        )
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )


class TestEasyFormViews(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_editors_may_choose_the_two_step_view(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        form = add_form(portal)
        self.assertIn("demande", [view for view, _title in form.getAvailableLayouts()])
        form.setLayout("demande")
        self.assertEqual(form.getLayout(), "demande")
