"""The contact page of a commune: the administration first, then every service."""

from imio.website import _
from imio.website.browser import opening_hours as page
from imio.website.browser.home import CommuneHomeView
from imio.website.opening_hours import OpeningHours
from plone import api
from Products.Five import BrowserView
from zope.i18n import translate


class CommuneContactView(BrowserView):
    """Where to write, call or go, from the catalog but for the administration."""

    def administration(self) -> dict | None:
        portal = api.portal.get()
        return CommuneHomeView(portal, self.request).administration()

    def services(self) -> list[dict]:
        now = page.now()
        services = []
        for brain in api.content.find(portal_type="Service", sort_on="sortable_title"):
            if brain.getPath().endswith("/services/administration"):
                continue
            status = None
            if brain.opening_hours:
                hours = OpeningHours.of_fields(brain.opening_hours)
                if not hours.is_empty():
                    opened = hours.is_open(now)
                    status = {
                        "open": opened,
                        "label": translate(
                            _("Open now") if opened else _("Closed now"),
                            context=self.request,
                        ),
                    }
            services.append({
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "status": status,
            })
        return services

    def contact_form_url(self) -> str:
        return f"{api.portal.get().absolute_url()}/contact-info"
