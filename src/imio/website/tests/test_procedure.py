"""Procedures: fields, publish guard, online form and page."""

from imio.belgium.testing import at
from imio.website.content.procedure.publishing import PublishingRefused
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import authenticator
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from imio.website.tests.helpers import read_in
from imio.website.tests.test_service import HOURS
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.i18n import translate
from zope.interface import Invalid
from zope.intid.interfaces import IIntIds
from zope.schema.interfaces import IVocabularyFactory

import lxml.html
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


def parsed(page: str):
    return lxml.html.fromstring(page)


def words(element) -> str:
    """The text of an element as read, a line break read as a space."""
    for line_break in element.iter("br"):
        line_break.tail = " " + (line_break.tail or "")
    return " ".join(element.text_content().split())


def summary_rows(summary) -> list[tuple[str, str]]:
    """The summary box's questions and answers, as read."""
    return [
        (words(row.cssselect("dt")[0]), words(row.cssselect("dd")[0]))
        for row in summary.cssselect(".procedure-summary-row")
    ]


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
        self.assertNotIn("Base légale", page)
        self.assertIn('href="http://nohost/plone/population">Population</a>', page)
        [action] = parsed(page).cssselect(".procedure-action a")
        self.assertEqual(words(action), "Faire la demande en ligne")
        self.assertEqual(action.get("href"), "https://www.wallonie.be/formulaire")
        self.assertIn("btn-primary", action.get("class"))

    def test_summary_box_at_the_top(self):
        self.service.street = "Place communale 1"
        self.service.postal_code = "5000"
        self.service.city = "Namur"
        self.procedure.delay = html("<p>3 semaines.</p>")
        page = parsed(self.procedure.restrictedTraverse("@@view")())
        [summary] = page.cssselect(".procedure-summary")
        self.assertEqual(words(summary.cssselect("h2")[0]), "En bref")
        self.assertEqual(
            summary_rows(summary),
            [
                ("Coût", "25 euros."),
                ("Délai", "3 semaines."),
                ("Où", "Population Place communale 1 5000 Namur"),
                ("En ligne", "Non, adressez-vous au service."),
            ],
        )
        # The summary comes before the sections; cost and delay are not repeated.
        sections = page.cssselect(".procedure-section")
        self.assertLess(
            summary.getparent().index(summary),
            sections[0].getparent().index(sections[0]),
        )
        self.assertEqual(page.cssselect("#cost-title, #delay-title"), [])

    def test_without_an_online_form_the_service_is_the_next_step(self):
        page = parsed(self.procedure.restrictedTraverse("@@view")())
        [action] = page.cssselect(".procedure-action a")
        self.assertEqual(words(action), "Contacter le service")
        self.assertEqual(action.get("href"), "#procedure-service")
        self.assertEqual(len(page.cssselect("aside#procedure-service")), 1)

    def test_appointment_when_the_service_takes_them_online(self):
        self.service.appointment_url = "https://rendez-vous.namur.be/population"
        page = parsed(self.procedure.restrictedTraverse("@@view")())
        [action] = page.cssselect(".procedure-action a")
        self.assertEqual(words(action), "Prendre rendez-vous")
        self.assertEqual(action.get("href"), "https://rendez-vous.namur.be/population")
        service_page = parsed(self.service.restrictedTraverse("@@view")())
        [link] = service_page.cssselect(".service-contact-list a[href^='https://']")
        self.assertEqual(words(link), "Prendre rendez-vous")

    def test_no_action_without_form_or_service(self):
        alone = api.content.create(self.portal, "Procedure", title="Seule", **COMPLETE)
        page = parsed(alone.restrictedTraverse("@@view")())
        self.assertEqual(page.cssselect(".procedure-action"), [])
        self.assertEqual(page.cssselect("#procedure-service"), [])
        self.assertEqual(
            summary_rows(page.cssselect(".procedure-summary")[0])[-1],
            ("En ligne", "Non, adressez-vous au service."),
        )

    def test_online_form_of_the_e_guichet(self):
        form = api.content.create(self.portal, "Document", id="formulaire")
        self.procedure.online_form = relation_to(form)
        page = parsed(self.procedure.restrictedTraverse("@@view")())
        [action] = page.cssselect(".procedure-action a")
        self.assertEqual(action.get("href"), "http://nohost/plone/formulaire")
        self.assertEqual(
            summary_rows(page.cssselect(".procedure-summary")[0])[-1],
            ("En ligne", "Oui, vous pouvez faire la demande en ligne."),
        )

    def test_service_hours_and_open_now_beside_the_text(self):
        for day, hours in HOURS.items():
            setattr(self.service, day, hours)
        with at(2025, 3, 3, 10, 0):
            page = parsed(self.procedure.restrictedTraverse("@@view")())
        [aside] = page.cssselect("aside#procedure-service")
        self.assertEqual(words(aside.cssselect("h2")[0]), "Service responsable")
        [status] = aside.cssselect(".opening-status")
        self.assertEqual(words(status), "Ouvert actuellement jusqu'à 12:00")
        rows = [words(row) for row in aside.cssselect(".opening-timetable tr")]
        self.assertEqual(rows[0], "Lundi 08:30–12:00, 13:00–16:30")
        [where] = page.cssselect(".procedure-summary-where .opening-status")
        self.assertEqual(words(where), "Ouvert actuellement jusqu'à 12:00")
        with at(2025, 3, 8, 10, 0):
            page = parsed(self.procedure.restrictedTraverse("@@view")())
        [status] = page.cssselect("aside#procedure-service .opening-status")
        self.assertEqual(
            words(status),
            "Fermé actuellement Prochaine ouverture : lundi 10 mars à 08:30",
        )

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
