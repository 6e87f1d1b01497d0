"""The site's main template: the layout each view asks for, and what it shows."""

from datetime import datetime
from datetime import timedelta
from imio.belgium.testing import at
from imio.website.browser.theme.layout import layout_name
from imio.website.interfaces import IImioWebsiteLayer
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from imio.website.tests.test_alert import create_alert
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.app.layout.viewlets.interfaces import IAboveContent
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.base.utils import get_installer
from plone.portlet.static.static import Assignment as StaticText
from plone.portlets.interfaces import IPortletAssignmentMapping
from plone.portlets.interfaces import IPortletManager
from Products.CMFCore.ActionInformation import Action
from Products.CMFCore.ActionInformation import ActionCategory
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.component import getMultiAdapter
from zope.component import getSiteManager
from zope.component import getUtility
from zope.interface import alsoProvides
from zope.interface import Interface
from zope.viewlet.interfaces import IViewlet

import lxml.html
import unittest


THEMING = "plone.app.theming.interfaces.IThemeSettings.enabled"
BUNDLES = "plone.bundles"


class LayoutPage(BrowserView):
    """A page of the commune's site; the subclasses ask for other layouts."""

    index = ViewPageTemplateFile("layout_page.pt")

    def __call__(self):
        return self.index()


class QuestionPage(LayoutPage):
    page_layout = "transactional"


class AgentsPage(LayoutPage):
    page_layout = "workspace"


class FormWrapper(LayoutPage):
    """A z3c.form wrapper: its form names the layout."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.form_instance = QuestionPage(context, request)


class FormNotice(ViewletBase):
    """A viewlet above the content that every layout keeps (a form's fee)."""

    __name__ = "test.notice"
    __allow_access_to_unprotected_subobjects__ = True

    def render(self):
        return '<p class="form-notice">Coût : 3,00 €</p>'


class TestLayoutName(unittest.TestCase):
    def test_a_view_names_its_layout(self):
        self.assertEqual(layout_name(LayoutPage(None, None)), "public")
        self.assertEqual(layout_name(QuestionPage(None, None)), "transactional")
        self.assertEqual(layout_name(AgentsPage(None, None)), "workspace")

    def test_a_form_wrapper_asks_through_its_form(self):
        self.assertEqual(layout_name(FormWrapper(None, None)), "transactional")

    def test_an_unknown_layout_is_the_public_one(self):
        page = LayoutPage(None, None)
        page.page_layout = "fancy"
        self.assertEqual(layout_name(page), "public")


class LayoutTestCase(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        alsoProvides(self.request, IImioWebsiteLayer)
        read_in("fr", self.request)
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        clock = at(2099, 6, 15, 10, 0)
        clock.start()
        self.addCleanup(clock.stop)
        now = datetime(2099, 6, 15, 10, 0)
        hour = timedelta(hours=1)
        create_alert(self.portal, "Coupure d'eau", now - hour, now + hour)
        for folder_id, title in (("demarches", "Démarches"), ("agenda", "Agenda")):
            folder = api.content.create(
                self.portal, "Folder", id=folder_id, title=title
            )
            api.content.transition(folder, "publish")
        self.procedures = self.portal["demarches"]
        logout()

    def add_portlet(self, column):
        manager = getUtility(IPortletManager, name=column)
        mapping = getMultiAdapter((self.portal, manager), IPortletAssignmentMapping)
        mapping["horaires"] = StaticText(header="Horaires", text="<p>Lundi</p>")

    def render(self, view_class, context=None):
        page = view_class(context or self.portal, self.request)()
        return page, lxml.html.fromstring(page)

    def texts(self, tree, selector) -> list[str]:
        return [
            " ".join(node.text_content().split()) for node in tree.cssselect(selector)
        ]


class TestPublicLayout(LayoutTestCase):
    def test_header_navigation_alerts_breadcrumbs_portlets_footer(self):
        self.add_portlet("plone.rightcolumn")
        _page, tree = self.render(LayoutPage, self.procedures)
        self.assertIn("layout-public", tree.body.get("class"))
        self.assertEqual(
            self.texts(tree, "#portal-mainnavigation a"),
            ["Accueil", "Démarches", "Agenda"],
        )
        self.assertEqual(self.texts(tree, "#portal-logo"), ["Plone site"])
        self.assertIn("Coupure d'eau", self.texts(tree, ".imio-alerts")[0])
        self.assertEqual(self.texts(tree, "#portal-breadcrumbs a"), ["Accueil"])
        self.assertEqual(
            self.texts(tree, "#portal-column-two .card-header"), ["Horaires"]
        )
        self.assertEqual(tree.cssselect("#portal-column-one"), [])
        self.assertTrue(tree.cssselect("footer#portal-footer-wrapper"))

    def test_no_breadcrumbs_on_the_home_page(self):
        _page, tree = self.render(LayoutPage)
        self.assertEqual(tree.cssselect("#portal-breadcrumbs"), [])
        self.assertIn("Coupure d'eau", self.texts(tree, ".imio-alerts")[0])

    def test_visitors_see_a_new_section_at_once(self):
        _page, tree = self.render(LayoutPage)
        self.assertNotIn("Services", self.texts(tree, "#portal-mainnavigation a"))
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, TEST_USER_NAME)
        services = api.content.create(
            self.portal, "Folder", id="services", title="Services"
        )
        api.content.transition(services, "publish")
        logout()
        _page, tree = self.render(LayoutPage)
        self.assertEqual(
            self.texts(tree, "#portal-mainnavigation a"),
            ["Accueil", "Démarches", "Agenda", "Services"],
        )
        login(self.portal, TEST_USER_NAME)
        api.content.rename(services, new_id="services-communaux")
        services.title = "Services communaux"
        services.reindexObject()
        logout()
        _page, tree = self.render(LayoutPage)
        self.assertEqual(
            self.texts(tree, "#portal-mainnavigation a")[-1], "Services communaux"
        )

    def test_pages_out_of_the_navigation_stay_out_on_their_own_page(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, TEST_USER_NAME)
        cookies = api.content.create(
            self.portal, "Document", id="cookies", title="Cookies"
        )
        cookies.exclude_from_nav = True
        cookies.reindexObject()
        api.content.transition(cookies, "publish")
        logout()
        _page, tree = self.render(LayoutPage, cookies)
        self.assertNotIn("Cookies", self.texts(tree, "#portal-mainnavigation a"))

    def test_no_toolbar_for_visitors(self):
        _page, tree = self.render(LayoutPage)
        self.assertEqual(tree.cssselect("#edit-bar"), [])

    def test_the_toolbar_for_editors(self):
        login(self.portal, TEST_USER_NAME)
        setRoles(self.portal, TEST_USER_ID, ["Editor"])
        _page, tree = self.render(LayoutPage)
        self.assertTrue(tree.cssselect("#edit-bar #edit-zone[role=toolbar]"))
        # Valid HTML: no toolbar role on a <section>, no "icon" attribute.
        self.assertEqual(tree.cssselect("section[role]"), [])
        self.assertEqual(tree.cssselect("[icon]"), [])
        self.assertTrue(tree.cssselect("#personaltools-logout[href]"))

    def test_no_toolbar_for_signed_in_citizens(self):
        # A citizen is a plain member, and the owner of what they sent: Plone's
        # toolbar (State, Actions, Sharing) is not theirs; the header signs out.
        login(self.portal, TEST_USER_NAME)
        setRoles(self.portal, TEST_USER_ID, ["Member"])
        _page, tree = self.render(LayoutPage)
        self.assertEqual(tree.cssselect("#edit-bar"), [])
        self.assertIn("Se déconnecter", self.texts(tree, ".site-account a"))
        self.assertNotIn("plone-toolbar", tree.body.get("class"))
        setRoles(self.portal, TEST_USER_ID, ["Member", "Owner"])
        _page, tree = self.render(LayoutPage, self.procedures)
        self.assertEqual(tree.cssselect("#edit-bar"), [])

    def test_the_toolbar_for_every_editorial_role(self):
        login(self.portal, TEST_USER_NAME)
        for role in ("Contributor", "Reviewer", "Site Administrator", "Manager"):
            setRoles(self.portal, TEST_USER_ID, ["Member", role])
            _page, tree = self.render(LayoutPage)
            self.assertTrue(tree.cssselect("#edit-bar"), role)

    def test_the_current_section_is_marked_in_the_page(self):
        _page, tree = self.render(LayoutPage, self.procedures)
        marked = tree.cssselect("#portal-mainnavigation a[aria-current]")
        self.assertEqual([link.text for link in marked], ["Démarches"])
        self.assertEqual(marked[0].get("aria-current"), "page")
        self.request["ACTUAL_URL"] = self.portal.absolute_url()
        _page, tree = self.render(LayoutPage)
        marked = tree.cssselect("#portal-mainnavigation a[aria-current]")
        self.assertEqual([link.text for link in marked], ["Accueil"])
        # A page of the site's own (search, Mes démarches) is not the home page.
        for view in ("@@search", "@@mes-demarches"):
            self.request["ACTUAL_URL"] = f"{self.portal.absolute_url()}/{view}"
            _page, tree = self.render(LayoutPage)
            marked = tree.cssselect("#portal-mainnavigation a[aria-current]")
            self.assertEqual(marked, [], view)

    def test_a_labelled_search_field_and_a_menu_button(self):
        _page, tree = self.render(LayoutPage)
        [form] = tree.cssselect("header form[role=search]")
        self.assertEqual(form.get("action"), "http://nohost/plone/@@search")
        [label] = form.cssselect("label")
        field = form.get_element_by_id(label.get("for"))
        self.assertEqual(field.get("name"), "SearchableText")
        self.assertEqual(label.text, "Rechercher sur le site")
        [button] = tree.cssselect(".site-menu-button")
        self.assertEqual(button.text, "Menu")
        self.assertEqual(button.get("aria-controls"), "portal-mainnavigation")
        self.assertEqual(button.get("aria-expanded"), "false")

    def test_skip_link_to_the_content(self):
        _page, tree = self.render(LayoutPage)
        skip = tree.cssselect("body a")[0]
        self.assertEqual(skip.text, "Aller au contenu")
        page_url, fragment = skip.get("href").split("#")
        self.assertEqual(page_url, "http://nohost")
        [target] = tree.cssselect(f"#{fragment}")
        self.assertEqual(target.tag, "main")
        self.assertEqual(target.get("tabindex"), "-1")
        self.assertEqual(self.texts(target, "h1"), ["Quel document demandez-vous ?"])

    def test_no_portlet_column_without_portlets(self):
        _page, tree = self.render(LayoutPage)
        self.assertEqual(tree.cssselect("aside"), [])

    def test_the_left_column_when_it_has_portlets(self):
        self.add_portlet("plone.leftcolumn")
        _page, tree = self.render(LayoutPage)
        self.assertEqual(
            self.texts(tree, "aside#portal-column-one .card-header"), ["Horaires"]
        )
        self.assertEqual(tree.cssselect("#portal-column-two"), [])

    def test_sign_in_comes_back_to_the_page_without_invalid_attributes(self):
        _page, tree = self.render(LayoutPage, self.procedures)
        [sign_in] = [
            link for link in tree.cssselect("header a") if link.text == "Se connecter"
        ]
        self.assertEqual(
            sign_in.get("href"),
            "http://nohost/plone/login?came_from=http%3A%2F%2Fnohost",
        )
        self.assertEqual(tree.cssselect("[icon]"), [])
        self.assertEqual(tree.cssselect("label[role], label[aria-label]"), [])

    def test_charset_comes_first(self):
        page, _tree = self.render(LayoutPage)
        self.assertLess(page.index('<meta charset="utf-8" />'), 200)

    def test_language_switch_for_bilingual_communes_only(self):
        _page, tree = self.render(LayoutPage)
        links = tree.cssselect(".site-languages a")
        self.assertEqual([link.text for link in links], ["Français", "Deutsch"])
        self.assertEqual([link.get("lang") for link in links], ["fr", "de"])
        self.assertEqual(links[0].get("aria-current"), "true")
        self.assertTrue(links[1].get("href").endswith("?set_language=de"))
        api.portal.set_registry_record("plone.available_languages", ["fr"])
        _page, tree = self.render(LayoutPage)
        self.assertEqual(tree.cssselect(".site-languages"), [])


class TestTransactionalLayout(LayoutTestCase):
    def setUp(self):
        super().setUp()
        site_manager = getSiteManager()
        required = (Interface, IImioWebsiteLayer, Interface, IAboveContent)
        site_manager.registerAdapter(FormNotice, required, IViewlet, "test.notice")
        self.addCleanup(
            site_manager.unregisterAdapter,
            FormNotice,
            required,
            IViewlet,
            "test.notice",
        )

    def test_the_commune_sign_in_and_the_question_only(self):
        self.add_portlet("plone.rightcolumn")
        _page, tree = self.render(QuestionPage, self.procedures)
        self.assertIn("layout-transactional", tree.body.get("class"))
        self.assertTrue(tree.cssselect("header #portal-logo"))
        self.assertIn("Se connecter", self.texts(tree, "header a"))
        for absent in (
            "#portal-mainnavigation",
            "form[role=search]",
            ".site-menu-button",
            ".site-languages",
            ".imio-alerts",
            "#portal-breadcrumbs",
            "aside",
        ):
            with self.subTest(absent=absent):
                self.assertEqual(tree.cssselect(absent), [])
        self.assertEqual(self.texts(tree, "main h1"), ["Quel document demandez-vous ?"])

    def test_other_notices_above_the_question_stay(self):
        _page, tree = self.render(QuestionPage)
        self.assertEqual(self.texts(tree, ".form-notice"), ["Coût : 3,00 €"])

    def test_footer_of_legal_links_only(self):
        _page, tree = self.render(QuestionPage)
        [footer] = tree.cssselect("footer#portal-footer-wrapper")
        self.assertEqual(
            self.texts(footer, "a"), ["Plan du site", "Accessibilité", "Contact"]
        )
        self.assertNotIn("Plone", footer.text_content())

    def test_a_form_wrapper_takes_its_form_s_layout(self):
        _page, tree = self.render(FormWrapper)
        self.assertIn("layout-transactional", tree.body.get("class"))
        self.assertEqual(tree.cssselect("#portal-mainnavigation"), [])

    def test_the_signed_in_citizen_signs_out_here(self):
        api.user.create(
            username="citoyen",
            email="citoyen@example.org",
            properties={"fullname": "Jean Lambert"},
        )
        login(self.portal, "citoyen")
        _page, tree = self.render(QuestionPage)
        self.assertEqual(self.texts(tree, ".site-account-name"), ["Jean Lambert"])
        [sign_out] = [
            link for link in tree.cssselect("header a") if link.text == "Se déconnecter"
        ]
        self.assertEqual(sign_out.get("href"), "http://nohost/plone/logout")


class TestWorkspaceLayout(LayoutTestCase):
    def setUp(self):
        super().setUp()
        category = ActionCategory("imio_workspace")
        category._setObject(
            "cases",
            Action(
                "cases",
                title="Cases",
                url_expr="string:${portal_url}/@@layout-cases",
                permissions=("View",),
                visible=True,
            ),
        )
        self.portal.portal_actions._setObject("imio_workspace", category)
        api.user.create(
            username="agent",
            email="agent@example.org",
            properties={"fullname": "Marie Dupont"},
        )
        login(self.portal, "agent")

    def test_the_commune_the_agent_and_the_workspace_navigation(self):
        self.add_portlet("plone.rightcolumn")
        _page, tree = self.render(AgentsPage, self.procedures)
        self.assertIn("layout-workspace", tree.body.get("class"))
        self.assertTrue(tree.cssselect("header #portal-logo"))
        self.assertEqual(self.texts(tree, ".site-account-name"), ["Marie Dupont"])
        self.assertIn("Se déconnecter", self.texts(tree, "header a"))
        [link] = tree.cssselect("#workspace-navigation a")
        self.assertEqual(link.get("href"), "http://nohost/plone/@@layout-cases")
        self.assertEqual(
            tree.cssselect(".site-main")[0].get("class"), "site-main container-fluid"
        )
        for absent in (
            "#portal-mainnavigation",
            "form[role=search]",
            ".imio-alerts",
            "#portal-breadcrumbs",
            "aside",
            "footer#portal-footer-wrapper",
        ):
            with self.subTest(absent=absent):
                self.assertEqual(tree.cssselect(absent), [])

    def test_the_current_workspace_page_is_marked(self):
        self.request["ACTUAL_URL"] = "http://nohost/plone/@@layout-cases"
        _page, tree = self.render(AgentsPage)
        [link] = tree.cssselect("#workspace-navigation a")
        self.assertEqual(link.get("aria-current"), "page")

    def test_public_pages_show_no_workspace_navigation(self):
        _page, tree = self.render(LayoutPage)
        self.assertEqual(tree.cssselect("#workspace-navigation"), [])


class TestProfile(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])

    def test_no_diazo_and_barceloneta_s_css_first(self):
        self.assertFalse(api.portal.get_registry_record(THEMING))
        self.assertEqual(
            api.portal.get_registry_record(
                f"{BUNDLES}/imio-website-base.csscompilation"
            ),
            "++theme++barceloneta/css/barceloneta.min.css",
        )
        self.assertEqual(
            api.portal.get_registry_record(f"{BUNDLES}/imio-website.depends"),
            "imio-website-base",
        )
        page = self.portal.restrictedTraverse("@@view")()
        stylesheets = [
            page.index(f'data-bundle="{name}"')
            for name in ("imio-website-base", "imio-website", "imio-website-layout")
        ]
        self.assertEqual(stylesheets, sorted(stylesheets))
        self.assertNotIn('data-bundle="diazo"', page)

    def test_1005_switches_diazo_off(self):
        setup = self.portal.portal_setup
        api.portal.set_registry_record(THEMING, True)
        api.portal.set_registry_record(f"{BUNDLES}/imio-website.depends", "plone")
        setup.setLastVersionForProfile("imio.website:default", "1004")
        setup.upgradeProfile("imio.website:default", dest="1005")
        self.assertFalse(api.portal.get_registry_record(THEMING))
        self.assertTrue(api.portal.get_registry_record("plone.use_cookie_negotiation"))
        self.assertEqual(
            api.portal.get_registry_record(f"{BUNDLES}/imio-website.depends"),
            "imio-website-base",
        )

    def test_uninstall_gives_barceloneta_its_diazo_theme_back(self):
        get_installer(self.portal, self.layer["request"]).uninstall_product(
            "imio.website"
        )
        self.assertTrue(api.portal.get_registry_record(THEMING))
        self.assertIsNone(
            api.portal.get_registry_record(
                f"{BUNDLES}/imio-website-base.enabled", default=None
            )
        )
