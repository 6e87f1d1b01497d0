"""Procedures: fields, publish guard, online form and page."""

from imio.website.content.procedure.publishing import PublishingRefused
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import authenticator
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.i18n import translate
from zope.interface import Invalid
from zope.intid.interfaces import IIntIds
from zope.schema.interfaces import IVocabularyFactory

import transaction
import unittest


COMPLETE = {
    "what_you_get": html("<p>Une carte d'identité électronique.</p>"),
    "who_may_ask": html("<p>Tout Belge de 12 ans ou plus.</p>"),
    "how_to_proceed": html("<p>Présentez-vous au guichet.</p>"),
    "cost": html("<p>25 euros.</p>"),
}


def relation_to(obj) -> RelationValue:
    return RelationValue(getUtility(IIntIds).getId(obj))


class TestProcedure(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        read_in("fr", self.request)
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.service = api.content.create(
            self.portal, "Service", id="population", title="Population"
        )
        self.procedure = api.content.create(
            self.portal,
            "Procedure",
            id="carte-identite",
            title="Carte d'identité",
            responsible_service=relation_to(self.service),
            **COMPLETE,
        )

    def test_type_and_add_permission(self):
        fti = api.portal.get_tool("portal_types")["Procedure"]
        self.assertEqual(fti.add_permission, "imio.website.AddProcedure")
        self.assertEqual(translate(fti.Title(), context=self.request), "Démarche")
        roles = {
            role["name"]
            for role in self.portal.rolesOfPermission("imio.website: Add Procedure")
            if role["selected"]
        }
        self.assertEqual(
            roles, {"Manager", "Site Administrator", "Owner", "Contributor"}
        )

    def test_publish_refused_names_the_missing_sections(self):
        draft = api.content.create(self.portal, "Procedure", title="Passeport")
        draft.what_you_get = html("<p>Un passeport.</p>")
        draft.cost = html("<p>&nbsp;</p>")
        with self.assertRaises(PublishingRefused) as refused:
            self.portal.portal_workflow.doActionFor(draft, "publish")
        self.assertEqual(
            str(refused.exception),
            "Cette démarche ne peut pas être publiée : complétez d'abord "
            "les sections Qui peut en faire la demande, Comment procéder, Coût.",
        )
        self.assertEqual(api.content.get_state(draft), "private")

    def test_complete_procedure_is_published(self):
        api.content.transition(self.procedure, "publish")
        self.assertEqual(api.content.get_state(self.procedure), "published")

    def test_online_forms_vocabulary_is_empty_until_the_e_guichet_fills_it(self):
        factory = getUtility(IVocabularyFactory, name="imio.website.OnlineForms")
        self.assertEqual(len(factory(self.portal)), 0)

    def test_form_and_external_url_are_exclusive(self):
        from imio.website.content.procedure.content import IProcedure

        data = type(
            "Data",
            (),
            {
                "online_form": relation_to(self.service),
                "online_form_url": "https://x.be",
            },
        )()
        with self.assertRaises(Invalid) as error:
            IProcedure.validateInvariants(data)
        self.assertEqual(
            translate(error.exception.args[0], context=self.request),
            "Choisissez soit un formulaire de l'e-guichet, soit un formulaire "
            "externe, pas les deux.",
        )
        data.online_form = None
        IProcedure.validateInvariants(data)

    def test_page_shows_sections_service_and_online_form(self):
        self.procedure.online_form_url = "https://www.wallonie.be/formulaire"
        page = self.procedure.restrictedTraverse("@@view")()
        self.assertIn('<h2 id="what-you-get-title">Ce que vous obtenez</h2>', page)
        self.assertIn("Une carte d'identité électronique.", page)
        self.assertIn('<h2 id="cost-title">Coût</h2>', page)
        self.assertNotIn("Base légale", page)
        self.assertIn('href="http://nohost/plone/population">Population</a>', page)
        self.assertIn('href="https://www.wallonie.be/formulaire"', page)
        self.assertIn("Faire la demande en ligne", page)

    def test_page_tells_editors_what_is_missing(self):
        draft = api.content.create(self.portal, "Procedure", title="Passeport")
        page = draft.restrictedTraverse("@@view")()
        self.assertIn(
            "Cette démarche ne pourra être publiée qu'une fois ces sections "
            "complétées : Ce que vous obtenez, Qui peut en faire la demande, "
            "Comment procéder, Coût.",
            " ".join(page.split()),
        )

    def test_taxonomy_terms_are_shown_and_indexed(self):
        self.procedure.taxonomy_life_event = ["demenagement"]
        self.procedure.taxonomy_audience = ["nouvel-habitant"]
        self.procedure.reindexObject()
        page = self.procedure.restrictedTraverse("@@view")()
        self.assertIn("Déménagement", page)
        self.assertIn("Nouvel habitant", page)
        found = api.content.find(taxonomy_life_event="demenagement")
        self.assertEqual([brain.getId for brain in found], ["carte-identite"])

    def test_service_lists_the_procedures_it_handles(self):
        page = self.service.restrictedTraverse("@@view")()
        self.assertIn("Démarches traitées", page)
        self.assertIn(
            'href="http://nohost/plone/carte-identite">Carte d\'identité</a>', page
        )


class TestProcedurePublishing(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        self.draft = api.content.create(portal, "Procedure", title="Passeport")
        self.draft.what_you_get = html("<p>Un passeport.</p>")
        transaction.commit()
        self.url = self.draft.absolute_url()

    def test_editor_sees_why_publishing_is_refused(self):
        editor = browser(manager=True)
        token = authenticator(editor.get(self.url + "/edit", timeout=30).text)
        page = editor.get(
            self.url + "/content_status_modify",
            params={"workflow_action": "publish", "_authenticator": token},
            timeout=30,
        )
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.url, self.url)
        self.assertIn(
            "Cette démarche ne peut pas être publiée : complétez d'abord les "
            "sections Qui peut en faire la demande, Comment procéder, Coût.",
            page.text.replace("&#x27;", "'").replace("&#39;", "'"),
        )
        anonymous = browser().get(self.url, timeout=30, allow_redirects=False)
        self.assertNotEqual(anonymous.status_code, 200)

    def test_citizen_reads_a_published_procedure(self):
        self.draft.who_may_ask = html("<p>Tout Belge.</p>")
        self.draft.how_to_proceed = html("<p>Au guichet.</p>")
        self.draft.cost = html("<p>Gratuit.</p>")
        api.content.transition(self.draft, "publish")
        transaction.commit()
        page = browser().get(self.url, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Qui peut en faire la demande", page.text)
        self.assertIn("Au guichet.", page.text)
