"""HTTP caching of a commune site: revalidated pages, private pages kept private."""

from datetime import datetime
from datetime import timedelta
from imio.belgium.testing import at
from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from plone.app.textfield.value import RichTextValue
from plone.cachepurging.utils import getPathsToPurge
from zope.component.hooks import setSite

import requests
import transaction
import unittest


def html(text: str) -> RichTextValue:
    return RichTextValue(text, "text/html", "text/x-html-safe")


class TestCaching(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        self.url = self.site.absolute_url()

    def test_anonymous_page_revalidates_with_304(self):
        first = requests.get(self.url, timeout=30)
        self.assertEqual(first.status_code, 200)
        self.assertIn("ETag", first.headers)
        self.assertNotIn("public", first.headers["Cache-Control"])
        again = requests.get(
            self.url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30
        )
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")

    @at(2099, 6, 15, 10, 0)
    def test_page_revalidates_when_an_alert_ends(self):
        setSite(self.site)
        now = datetime(2099, 6, 15, 10, 0)
        ends = now + timedelta(minutes=30)
        with api.env.adopt_roles(["Manager"]):
            alert = api.content.create(
                container=self.site,
                type="Alert",
                title="Coupure de courant rue de Fer",
                severity="warning",
                start=now - timedelta(hours=1),
                end=ends,
            )
            api.content.transition(alert, "publish")
        transaction.commit()
        with_alert = requests.get(self.url, timeout=30)
        self.assertIn("Coupure de courant rue de Fer", with_alert.text)
        with at(2099, 6, 15, 10, 30):
            after = requests.get(
                self.url,
                headers={"If-None-Match": with_alert.headers["ETag"]},
                timeout=30,
            )
        self.assertEqual(after.status_code, 200)
        self.assertNotIn("Coupure", after.text)
        self.assertNotEqual(after.headers["ETag"], with_alert.headers["ETag"])

    # Not at 23:59, the one minute of the day the police is closed.
    @at(2099, 6, 15, 10, 0)
    def test_open_now_is_part_of_a_service_pages_etag(self):
        setSite(self.site)
        always = dict.fromkeys(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"),
            "00:00-23:59",
        )
        with api.env.adopt_roles(["Manager"]):
            services = self.site["services"]
            opened = api.content.create(
                services, "Service", title="Police", sunday="00:00-23:59", **always
            )
            closed = api.content.create(services, "Service", title="Musée")
            for service in (opened, closed):
                api.content.transition(service, "publish")
        transaction.commit()
        opened_tag = requests.get(opened.absolute_url(), timeout=30).headers["ETag"]
        closed_tag = requests.get(closed.absolute_url(), timeout=30).headers["ETag"]
        self.assertTrue(opened_tag.strip('"').endswith("|open"), opened_tag)
        self.assertTrue(closed_tag.strip('"').endswith("|closed"), closed_tag)

    @at(2099, 6, 15, 8, 0)
    def test_every_page_revalidates_when_the_administration_opens(self):
        """The footer of every page says whether the administration is open."""
        setSite(self.site)
        with api.env.adopt_roles(["Manager"]):
            administration = api.content.create(
                self.site["services"],
                "Service",
                id="administration",
                title="Administration communale",
                monday="08:30-12:00",
            )
            api.content.transition(administration, "publish")
        transaction.commit()
        page = f"{self.url}/actualites"
        closed = requests.get(page, timeout=30)
        self.assertIn("Fermé actuellement", closed.text)
        with at(2099, 6, 15, 9, 0):
            opened = requests.get(
                page, headers={"If-None-Match": closed.headers["ETag"]}, timeout=30
            )
        self.assertEqual(opened.status_code, 200)
        self.assertIn("Ouvert actuellement", opened.text)

    def test_static_resources_are_long_lived(self):
        page = requests.get(self.url, timeout=30).text
        start = page.index("++webresource++")
        css_url = page[page.rindex('"', 0, start) + 1 : page.index('"', start)]
        css = requests.get(css_url, timeout=30)
        self.assertEqual(css.status_code, 200)
        directives = dict(
            part.strip().partition("=")[::2]
            for part in css.headers["Cache-Control"].split(",")
        )
        self.assertIn("public", directives)
        self.assertGreaterEqual(int(directives["max-age"]), 86400)

    def test_logged_in_page_is_not_public(self):
        response = requests.get(
            self.url, auth=(TEST_USER_NAME, TEST_USER_PASSWORD), timeout=30
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("public", response.headers.get("Cache-Control", ""))

    def test_eguichet_form_is_never_cached(self):
        setSite(self.site)
        with api.env.adopt_user(username=SITE_OWNER_NAME):
            form = api.content.create(
                container=self.site, type="EasyForm", id="demande-test", title="Test"
            )
            api.content.transition(form, "publish")
        transaction.commit()
        response = requests.get(form.absolute_url(), timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("ETag", response.headers)
        self.assertNotIn("public", response.headers["Cache-Control"])
        self.assertIn("max-age=0", response.headers["Cache-Control"])
        admin = requests.get(
            form.absolute_url(), auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=30
        )
        self.assertNotIn("public", admin.headers.get("Cache-Control", ""))
        # The confirmation after sending is the applicant's own page.
        confirmation = requests.get(
            f"{form.absolute_url()}/@@demande-envoyee", timeout=30
        )
        self.assertEqual(confirmation.status_code, 200)
        self.assertNotIn("ETag", confirmation.headers)
        self.assertNotIn("public", confirmation.headers["Cache-Control"])
        self.assertIn("no-store", confirmation.headers["Cache-Control"])


class TestWithCachingProxy(unittest.TestCase):
    """A profile with `caching_proxies`: pages kept by the proxy, purged."""

    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.answers = stored_answers(self.site)

    def deploy(self, **answers) -> list[str]:
        changes = apply_answers(self.site, {**self.answers, **answers})
        transaction.commit()
        return changes

    def test_pages_are_kept_by_the_proxy_and_purged(self):
        changes = self.deploy(
            caching_proxies=["http://127.0.0.1:6081"], caching_proxy_seconds=120
        )
        self.addCleanup(self.deploy, caching_proxies=[])
        self.assertIn(
            "plone.cachepurging.interfaces.ICachePurgingSettings.enabled", changes
        )
        self.assertEqual(
            api.portal.get_registry_record(
                "plone.cachepurging.interfaces.ICachePurgingSettings.cachingProxies"
            ),
            ("http://127.0.0.1:6081",),
        )
        anonymous = requests.get(f"{self.site.absolute_url()}/actualites", timeout=30)
        self.assertIn("s-maxage=120", anonymous.headers["Cache-Control"])
        # Alerts and "open now" still change the ETag.
        self.assertIn("ETag", anonymous.headers)
        for rule in ("itemView", "folderView"):
            etags = api.portal.get_registry_record(
                f"plone.app.caching.moderateCaching.plone.content.{rule}.etags"
            )
            self.assertIn("imio.alerts", etags)
            self.assertIn("imio.openNow", etags)
        signed_in = requests.get(
            f"{self.site.absolute_url()}/actualites",
            auth=(TEST_USER_NAME, TEST_USER_PASSWORD),
            timeout=30,
        )
        self.assertNotIn("s-maxage=120", signed_in.headers["Cache-Control"])
        self.assertEqual(
            self.deploy(
                caching_proxy_seconds=120, caching_proxies=["http://127.0.0.1:6081"]
            ),
            [],
        )

    def test_an_item_purges_its_parents_listings_up_to_the_home_page(self):
        self.deploy(caching_proxies=["http://127.0.0.1:6081"])
        self.addCleanup(self.deploy, caching_proxies=[])
        with api.env.adopt_roles(["Manager"]):
            news = api.content.create(
                self.site["actualites"], "News Item", title="Marché de Noël"
            )
        request = self.layer["request"]
        paths = set(getPathsToPurge(news, request))
        for path in (
            "/gesves/actualites/marche-de-noel/",
            "/gesves/actualites",
            "/gesves",
        ):
            self.assertIn(path, paths)

    def test_cpsv_ap_exports_are_kept_by_the_proxy_briefly(self):
        with api.env.adopt_roles(["Manager"]):
            if "demarches" not in self.site:
                api.content.create(
                    self.site, "Folder", id="demarches", title="Démarches"
                )
            procedure = api.content.create(
                container=self.site["demarches"],
                type="Procedure",
                id="permis-de-location",
                title="Permis de location",
                description="Louer un petit logement ou un kot.",
                what_you_get=html("<p>Un permis de location valable 5 ans.</p>"),
                who_may_ask=html("<p>Les propriétaires du logement.</p>"),
                how_to_proceed=html("<p>Envoyez le formulaire au service.</p>"),
                cost=html("<p>125 € par logement.</p>"),
            )
            api.content.transition(procedure, to_state="published")
        transaction.commit()
        exports = (
            f"{self.site.absolute_url()}/@@cpsv-ap",
            f"{procedure.absolute_url()}/@@cpsv-ap",
        )
        self.deploy(
            caching_proxies=["http://127.0.0.1:6081"], caching_proxy_seconds=120
        )
        self.addCleanup(self.deploy, caching_proxies=[])
        for url in exports:
            for accept in ("application/ld+json", "text/turtle"):
                response = requests.get(url, headers={"Accept": accept}, timeout=60)
                self.assertEqual(response.status_code, 200, url)
                self.assertIn(accept, response.headers["Content-Type"])
                control = response.headers["Cache-Control"]
                self.assertIn("s-maxage=120", control, url)
                self.assertIn("Accept", response.headers["Vary"], url)
        self.deploy(caching_proxies=[])
        for url in exports:
            response = requests.get(url, timeout=60)
            self.assertNotIn("s-maxage", response.headers.get("Cache-Control", ""))

    def test_a_procedure_purges_its_export_and_the_catalogue(self):
        self.deploy(caching_proxies=["http://127.0.0.1:6081"])
        self.addCleanup(self.deploy, caching_proxies=[])
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(self.site, "Folder", title="Démarches")
            procedure = api.content.create(
                folder, "Procedure", title="Permis de location"
            )
        paths = set(getPathsToPurge(procedure, self.layer["request"]))
        self.assertIn(f"/gesves/{folder.getId()}/permis-de-location/@@cpsv-ap", paths)
        self.assertIn("/gesves/@@cpsv-ap", paths)
        # A news item is in no export.
        news = self.site["actualites"]
        self.assertNotIn(
            "/gesves/@@cpsv-ap", set(getPathsToPurge(news, self.layer["request"]))
        )

    def test_without_a_proxy_pages_are_revalidated_by_browsers_only(self):
        self.deploy(caching_proxies=["http://127.0.0.1:6081"])
        self.deploy(caching_proxies=[])
        self.assertFalse(
            api.portal.get_registry_record(
                "plone.cachepurging.interfaces.ICachePurgingSettings.enabled"
            )
        )
        response = requests.get(self.site.absolute_url(), timeout=30)
        self.assertNotIn("s-maxage", response.headers["Cache-Control"])
        self.assertIn("private", response.headers["Cache-Control"])
