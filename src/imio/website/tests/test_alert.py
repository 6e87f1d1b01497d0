"""Alerts: the banner on every page, while they are active only."""

from datetime import datetime
from datetime import timedelta
from imio.belgium.testing import at
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zope.interface import Invalid

import html
import re
import transaction
import unittest


def create_alert(portal, title, start, end, severity="info", publish=True):
    alert = api.content.create(
        portal,
        "Alert",
        title=title,
        description="Rue de Fer et environs.",
        severity=severity,
        start=start,
        end=end,
    )
    if publish:
        api.content.transition(alert, "publish")
    return alert


def banner(page: str) -> str:
    """The alerts section of a page, or an empty string."""
    found = re.search(r'<section class="imio-alerts".*?</section>', page, re.S)
    return " ".join(html.unescape(found.group(0)).split()) if found else ""


class TestAlertBanner(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        clock = at(2099, 6, 15, 10, 0)
        clock.start()
        self.addCleanup(clock.stop)
        now = datetime(2099, 6, 15, 10, 0)
        self.hour = timedelta(hours=1)
        create_alert(self.portal, "Coupure d'eau", now - self.hour, now + self.hour)
        create_alert(self.portal, "Tempête", now - self.hour, now + self.hour, "urgent")
        create_alert(self.portal, "Passé", now - 3 * self.hour, now - 2 * self.hour)
        create_alert(self.portal, "Futur", now + 2 * self.hour, now + 3 * self.hour)

    def render(self) -> str:
        return banner(self.portal.restrictedTraverse("@@view")())

    def test_active_alerts_most_severe_first(self):
        page = self.render()
        self.assertIn("Urgent :</strong>", page)
        self.assertIn(">Tempête</a>", page)
        self.assertIn("Information :</strong>", page)
        self.assertLess(page.index("Tempête"), page.index("Coupure d'eau"))
        self.assertNotIn("Passé", page)
        self.assertNotIn("Futur", page)
        self.assertIn('class="alert alert-danger', page)
        self.assertIn('role="alert"', page)

    def test_end_must_follow_start(self):
        from imio.website.content.alert.content import IAlert

        data = type(
            "Data", (), {"start": datetime(2025, 1, 2), "end": datetime(2025, 1, 1)}
        )()
        with self.assertRaises(Invalid):
            IAlert.validateInvariants(data)

    def test_alert_page(self):
        alert = create_alert(
            self.portal,
            "Travaux",
            datetime(2025, 6, 2, 8),
            datetime(2025, 6, 6, 17, 30),
            "warning",
        )
        page = " ".join(alert.restrictedTraverse("@@view")().split())
        self.assertIn("<dd>Attention</dd>", page)
        self.assertIn(
            "Du <span>02/06/2025 08:00</span> au <span>06/06/2025 17:30</span>", page
        )


class TestAlertExpires(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_banner_disappears_when_the_alert_ends(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        # Naive Brussels times, as the edit form stores them.
        now = datetime(2099, 6, 15, 10, 0)
        ends = now + timedelta(minutes=30)
        with at(2099, 6, 15, 10, 0) as clock:
            create_alert(
                portal, "Coupure d'eau", now - timedelta(hours=1), ends, "warning"
            )
            private = create_alert(
                portal,
                "Brouillon",
                now - timedelta(hours=1),
                now + timedelta(hours=1),
                publish=False,
            )
            transaction.commit()
            page = browser().get(portal.absolute_url(), timeout=30)
            self.assertIn("Attention :</strong>", banner(page.text))
            self.assertIn("Coupure d'eau", banner(page.text))
            self.assertNotIn(private.title, banner(page.text))
            clock.shift(ends - now - timedelta(seconds=1))
            page = browser().get(portal.absolute_url(), timeout=30)
            self.assertIn("Coupure d'eau", banner(page.text))
            clock.shift(timedelta(seconds=1))
            page = browser().get(portal.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(banner(page.text), "")
