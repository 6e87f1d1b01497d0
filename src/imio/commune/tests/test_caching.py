"""HTTP caching of a commune site: revalidated pages, private pages kept private."""

from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from zope.component.hooks import setSite

from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import requests
import time
import transaction
import unittest


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

    def test_page_revalidates_when_an_alert_ends(self):
        setSite(self.site)
        now = datetime.now(ZoneInfo("Europe/Brussels")).replace(tzinfo=None)
        ends = now + timedelta(seconds=3)
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
        waited = ends - datetime.now(ZoneInfo("Europe/Brussels")).replace(tzinfo=None)
        time.sleep(max(0, waited.total_seconds()) + 0.5)
        after = requests.get(
            self.url, headers={"If-None-Match": with_alert.headers["ETag"]}, timeout=30
        )
        self.assertEqual(after.status_code, 200)
        self.assertNotIn("Coupure", after.text)
        self.assertNotEqual(after.headers["ETag"], with_alert.headers["ETag"])

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
