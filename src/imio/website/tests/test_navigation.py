"""Navigation by audience ("Je suis") and by life event ("Je trouve")."""

from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import fresh
from imio.website.tests.helpers import read_in
from imio.website.tests.test_procedure import COMPLETE
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zope.component import getMultiAdapter

import html
import re
import transaction
import unittest


def content(page: str) -> str:
    """The page's content area, its markup on one line."""
    found = re.search(r'<article id="content">.*?</article>', page, re.S)
    text = " ".join(html.unescape(found.group(0)).split())
    return re.sub(r"\s+>", ">", text)


def build_tagged_content(portal):
    """A procedure, a service, a page and a news item, tagged; one not tagged."""
    api.content.create(
        portal,
        "Procedure",
        id="domiciliation",
        title="Domiciliation",
        description="Déclarer votre nouvelle adresse.",
        taxonomy_audience=["nouvel-habitant"],
        taxonomy_life_event=["demenagement"],
        **fresh(COMPLETE),
    )
    api.content.create(
        portal,
        "Service",
        id="population",
        title="Service Population",
        taxonomy_life_event=["demenagement", "naissance"],
    )
    api.content.create(
        portal,
        "Document",
        id="bienvenue",
        title="Bienvenue aux nouveaux habitants",
        taxonomy_audience=["nouvel-habitant"],
    )
    api.content.create(
        portal,
        "News Item",
        id="permanence",
        title="Permanence du service Population",
        taxonomy_life_event=["demenagement"],
    )
    api.content.create(portal, "Procedure", id="passeport", title="Passeport")


class TestTermNavigation(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        build_tagged_content(self.portal)

    def render(self, path: str) -> str:
        """A page as the publisher traverses it: the view, then its term."""
        name, *terms = path.split("/")
        request = self.layer["request"]
        view = getMultiAdapter((self.portal, request), name=name)
        for term in terms:
            view = view.publishTraverse(request, term)
        return content(view())

    def test_audience_index_lists_every_term_with_its_count(self):
        page = self.render("je-suis")
        self.assertIn('<h1 class="documentFirstHeading">Je suis</h1>', page)
        self.assertIn(
            '<a href="http://nohost/plone/@@je-suis/nouvel-habitant">'
            "Nouvel habitant</a> <span",
            page,
        )
        count = '<span class="term-navigation-count">'
        self.assertIn(f"Nouvel habitant</a> {count}(2)", page)
        self.assertIn(f">Parent</a> {count}(0)", page)
        self.assertIn(">Touriste</a>", page)

    def test_life_event_page_groups_procedures_services_then_the_rest(self):
        page = self.render("je-trouve/demenagement")
        self.assertIn('<a href="http://nohost/plone/@@je-trouve">Je trouve</a>', page)
        self.assertIn('<h1 class="documentFirstHeading">Déménagement</h1>', page)
        self.assertIn(
            '<h2 id="term-navigation-procedure">Démarche</h2> <ul> <li> '
            '<a href="http://nohost/plone/domiciliation">Domiciliation</a> '
            '<p class="mb-0">Déclarer votre nouvelle adresse.</p>',
            page,
        )
        self.assertIn(">Service Population</a>", page)
        self.assertIn(">Permanence du service Population</a>", page)
        self.assertNotIn("Passeport", page)
        self.assertNotIn("Bienvenue", page)
        headings = re.findall(r'<h2 id="term-navigation-([a-z-]+)">', page)
        self.assertEqual(headings, ["procedure", "service", "news-item"])

    def test_audience_page_lists_pages_too(self):
        page = self.render("je-suis/nouvel-habitant")
        self.assertIn(">Domiciliation</a>", page)
        self.assertIn(">Bienvenue aux nouveaux habitants</a>", page)
        self.assertNotIn("Service Population", page)

    def test_a_term_with_nothing_says_so(self):
        page = self.render("je-suis/touriste")
        self.assertIn('<h1 class="documentFirstHeading">Touriste</h1>', page)
        self.assertIn("Rien n'est encore classé ici.", page)


class TestTermNavigationOverHttp(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        build_tagged_content(self.portal)
        api.content.transition(self.portal["domiciliation"], "publish")
        transaction.commit()
        self.url = self.portal.absolute_url()

    def test_citizens_see_what_is_published(self):
        page = browser().get(f"{self.url}/@@je-trouve/demenagement", timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn(">Domiciliation</a>", content(page.text))
        self.assertNotIn("Service Population", content(page.text))
        index = browser().get(f"{self.url}/@@je-trouve", timeout=30)
        self.assertIn(">Déménagement</a> <span", content(index.text))
        self.assertIn('"term-navigation-count">(1)', content(index.text))

    def test_unknown_terms_are_not_found(self):
        for path in (
            "@@je-suis/extraterrestre",
            "@@je-trouve/demenagement/encore",
            "@@je-trouve/nouvel-habitant",
        ):
            page = browser().get(f"{self.url}/{path}", timeout=30)
            self.assertEqual(page.status_code, 404, path)

    def test_in_german(self):
        api.portal.set_registry_record("plone.default_language", "de")
        transaction.commit()
        page = browser("de").get(f"{self.url}/@@je-trouve/demenagement", timeout=30)
        self.assertIn('<h1 class="documentFirstHeading">Umzug</h1>', content(page.text))
        self.assertIn(">Ich suche</a>", content(page.text))
