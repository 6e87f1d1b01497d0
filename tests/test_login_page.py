"""Plone's login page, where a page that needs a signed-in visitor sends them.

Where the site signs citizens in with an identity provider (FAS), the page
first offers citizens that sign-in, back to the page they asked for; below
it, for the commune's agents and editors, the user name and password form.
Without a provider the page is Plone's.
"""

from collective.easyform.api import get_schema
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.identity.settings import PREFIX
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from test_citizen_sign_in import CitizenSignInTestCase
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import lxml.html
import transaction


CITIZENS_LINK = "Se connecter avec itsme ou votre carte d'identité"
AGENT_PASSWORD = "Agent-Population-2025"  # noqa: S105 - a test account
FAS = (
    "Vous passez par FAS, le service d'authentification de l'État fédéral : "
    "carte d'identité électronique, itsme, codes de sécurité."
)
STAFF = "Agents et éditeurs de la commune"


def anonymous_case(portal):
    """A request sent without signing in: only its applicant's code opens it."""
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    form = add_form(portal)
    logout()
    case, _code = create_case(form, get_schema(form), {"email": "marie@example.org"})
    transaction.commit()
    return case


class LoginPageTestCase(CitizenSignInTestCase):
    def login_page(self, came_from=None):
        query = f"?{urlencode({'came_from': came_from})}" if came_from else ""
        page = self.get(f"{self.portal_url}/login{query}")
        self.assertEqual(page.status_code, 200)
        return page

    def citizens_link(self, page):
        """The citizens' sign-in link of a login page, or None."""
        tree = lxml.html.fromstring(page.text)
        links = [
            link
            for link in tree.xpath("//*[@id='content']//a")
            if link.text_content().strip() == CITIZENS_LINK
        ]
        self.assertLessEqual(len(links), 1)
        return links[0] if links else None

    def came_from_of(self, link) -> str:
        url = urlsplit(link.get("href"))
        self.assertEqual(
            f"{url.scheme}://{url.netloc}{url.path}",
            f"{self.portal_url}/@@citizen-login",
        )
        query = parse_qs(url.query)
        self.assertEqual(query["level"], ["100"])
        return query["came_from"][0]


class TestLoginPage(LoginPageTestCase):
    def test_citizens_sign_in_first_then_the_staffs_form(self):
        came_from = f"{self.portal_url}/@@mes-demarches"
        page = self.login_page(came_from)
        tree = lxml.html.fromstring(page.text)
        content = tree.xpath("//*[@id='content']")[0]
        [title] = content.xpath(".//h1")
        self.assertEqual(title.text_content().strip(), "Se connecter")
        headings = [h.text_content().strip() for h in content.xpath(".//h2")]
        self.assertEqual(headings, ["Citoyennes et citoyens", STAFF])
        link = self.citizens_link(page)
        self.assertEqual(self.came_from_of(link), came_from)
        self.assertIn("btn", link.get("class"))
        # One line says what FAS is, tied to the link for screen readers.
        [about] = content.xpath(f".//*[@id='{link.get('aria-describedby')}']")
        self.assertEqual(" ".join(about.text_content().split()), FAS)
        # The citizens' part comes before the staff's, which holds the form.
        citizens, staff = content.xpath(".//section")
        self.assertEqual(
            [h.text_content().strip() for h in citizens.xpath(".//h2")],
            ["Citoyennes et citoyens"],
        )
        self.assertEqual(
            [a.get("href") for a in citizens.xpath(".//a")], [link.get("href")]
        )
        self.assertEqual(
            [h.text_content().strip() for h in staff.xpath(".//h2")], [STAFF]
        )
        for section in (citizens, staff):
            [heading] = section.xpath(".//h2")
            self.assertEqual(section.get("aria-labelledby"), heading.get("id"))
        for name in ("__ac_name", "__ac_password"):
            [_field] = staff.xpath(f".//input[@id='{name}']")
            [label] = staff.xpath(f".//label[@for='{name}']")
            self.assertTrue(label.text_content().strip())
        # The cursor is not put in the staff's form, past the citizens'.
        [form] = staff.xpath(".//form")
        self.assertNotIn("pat-formautofocus", form.get("class"))
        [hidden] = staff.xpath(".//input[@name='came_from']")
        self.assertEqual(hidden.get("value"), came_from)
        self.assertEqual(staff.xpath(".//button[@id='buttons-login']")[0].tag, "button")

    def test_a_page_given_as_a_path_is_read_from_the_sites_address(self):
        # As Plone's challenge gives it for a page that needs a signed-in user.
        link = self.citizens_link(self.login_page("/plone/@@mes-demarches"))
        self.assertEqual(self.came_from_of(link), f"{self.portal_url}/@@mes-demarches")

    def test_a_page_of_another_site_is_not_where_the_link_goes_back(self):
        for hostile in (
            "https://evil.example/plone/@@mes-demarches",
            f"{self.portal_url}.evil.example/@@mes-demarches",
            "//evil.example/@@mes-demarches",
            "/another-site/@@mes-demarches",
        ):
            with self.subTest(hostile):
                link = self.citizens_link(self.login_page(hostile))
                self.assertEqual(self.came_from_of(link), self.portal_url)

    def test_in_german(self):
        api.portal.set_registry_record("plone.default_language", "de")
        api.portal.set_registry_record("plone.available_languages", ["de"])
        transaction.commit()
        page = self.login_page(f"{self.portal_url}/@@mes-demarches")
        tree = lxml.html.fromstring(page.text)
        content = tree.xpath("//*[@id='content']")[0]
        self.assertEqual(
            [h.text_content().strip() for h in content.xpath(".//h2")],
            [
                "Bürgerinnen und Bürger",
                "Bedienstete und Redakteure der Gemeinde",
            ],
        )
        [link] = content.xpath(".//section[1]//a")
        self.assertEqual(
            link.text_content().strip(),
            "Mit itsme oder Ihrem Personalausweis anmelden",
        )
        self.assertIn(
            "Authentifizierungsdienst des Föderalstaats", content.text_content()
        )

    def test_without_a_provider_the_page_is_plones(self):
        api.portal.set_registry_record(f"{PREFIX}.issuer", "")
        transaction.commit()
        page = self.login_page(f"{self.portal_url}/@@mes-demarches")
        self.assertIsNone(self.citizens_link(page))
        self.assertNotIn("citizen-login", page.text)
        self.assertNotIn(STAFF, page.text)
        self.assertNotIn("FAS", page.text)
        tree = lxml.html.fromstring(page.text)
        self.assertEqual(len(tree.xpath("//input[@id='__ac_name']")), 1)
        self.assertEqual(len(tree.xpath("//input[@id='__ac_password']")), 1)
        [form] = tree.xpath("//form[.//input[@id='__ac_name']]")
        self.assertIn("pat-formautofocus", form.get("class"))

    def test_staff_still_sign_in_with_a_password(self):
        api.user.create(
            email="luc.martin@ville.namur.be",
            username="luc.martin",
            password=AGENT_PASSWORD,
            properties={"fullname": "Luc Martin"},
        )
        transaction.commit()
        came_from = f"{self.portal_url}/contact-info"
        page = self.login_page(came_from)
        tree = lxml.html.fromstring(page.text)
        [form] = tree.xpath("//form[.//input[@id='__ac_name']]")
        data = {
            field.get("name"): field.get("value") or ""
            for field in form.xpath(".//input[@name]")
        }
        data.update({
            "__ac_name": "luc.martin",
            "__ac_password": AGENT_PASSWORD,
            "buttons.login": "Se connecter",
        })
        response = self.browser.post(
            f"{self.portal_url}/login", data=data, allow_redirects=False, timeout=30
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.headers["Location"], came_from)
        self.assertIn("__ac", self.browser.cookies)


class TestCitizenComesBack(LoginPageTestCase):
    """A page that needs a signed-in citizen, the login page, the provider and
    back to the page."""

    def anonymous_reaches_the_login_page(self, url):
        page = self.follow(self.get(url))
        self.assertEqual(urlsplit(page.url).path, "/plone/login")
        link = self.citizens_link(page)
        self.assertEqual(self.came_from_of(link), url)
        return link

    def test_my_requests(self):
        url = f"{self.portal_url}/@@mes-demarches"
        link = self.anonymous_reaches_the_login_page(url)
        provider_page = self.follow(self.get(link.get("href")))
        self.assertTrue(provider_page.url.startswith(self.provider.issuer))
        callback = self.at_provider(provider_page, "marie", 450)
        back = self.get(callback)
        self.assertEqual(back.headers["Location"], url)
        page = self.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Marie-Hélène Dubois", page.text)
        self.assertIn("Mes démarches", page.text)

    def test_a_case_page(self):
        case = anonymous_case(self.layer["portal"])
        url = case.absolute_url().replace("http://nohost/plone", self.portal_url)
        self.anonymous_reaches_the_login_page(url)
