"""The contact page of a commune: the administration first, then every service."""

from imio.website.browser import opening_hours as page
from imio.website.browser.home import CommuneHomeView
from plone import api
from Products.Five import BrowserView


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
            services.append({
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "status": page.status_of(brain.opening_hours, now, self.request),
            })
        return services

    def contact_form_url(self) -> str:
        return f"{api.portal.get().absolute_url()}/contact-info"
