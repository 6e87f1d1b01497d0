"""The site's footer: the commune's contacts, hours, map, social and legal links.

It replaces Plone's footer portlets (its copyright notice, "Powered by Plone"
and site actions). What it shows changes with the site's content: it is read
once per change of the catalog, then only "open now" is worked out per page.
"""

from imio.website.address import address_lines
from imio.website.browser import opening_hours as page
from imio.website.browser.home import ADMINISTRATION
from imio.website.browser.theme.chrome import PageChrome
from imio.website.content.service.view import phone_links
from imio.website.opening_hours import hours_fields
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import WEEKDAYS
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.memoize import ram
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urlparse
from zope.i18n import translate


# The commune profile's social links (imio.commune), read by their name.
SOCIAL_RECORD = "imio.commune.social_links"
SOCIAL_NETWORKS = {
    "facebook.com": "Facebook",
    "instagram.com": "Instagram",
    "linkedin.com": "LinkedIn",
    "youtube.com": "YouTube",
    "x.com": "X",
    "twitter.com": "X",
    "tiktok.com": "TikTok",
    "bsky.app": "Bluesky",
    "mastodon.social": "Mastodon",
}
OSM = "https://www.openstreetmap.org/"


def map_url(service) -> str:
    """OpenStreetMap at the service's position, or a search of its address."""
    latitude = getattr(service, "latitude", None)
    longitude = getattr(service, "longitude", None)
    if latitude is not None and longitude is not None:
        query = urlencode({"mlat": latitude, "mlon": longitude})
        return f"{OSM}?{query}#map=18/{latitude}/{longitude}"
    lines = address_lines(service)
    if not lines:
        return ""
    return f"{OSM}search?query={quote(', '.join(lines))}"


def social_links(urls) -> list[dict]:
    """The commune's pages on social networks, named after the network."""
    links = []
    for url in urls or []:
        host = (urlparse(url).hostname or "").removeprefix("www.")
        links.append({"url": url, "name": SOCIAL_NETWORKS.get(host, host)})
    return links


def _contact_key(method, site, anonymous, site_url):
    if not anonymous:
        raise ram.DontCache
    catalog = api.portal.get_tool("portal_catalog")
    return ("/".join(site.getPhysicalPath()), site_url, catalog.getCounter())


@ram.cache(_contact_key)
def administration_contact(site, anonymous: bool, site_url: str) -> dict | None:
    """The administration's address, contacts and hours, as the visitor sees it.

    Visitors' answer is kept until the catalog changes, per address of the
    site (its links are absolute): a page then wakes no content object for
    its footer.
    """
    service = site
    for name in ADMINISTRATION:
        service = service.get(name) if hasattr(service, "get") else None
        if service is None:
            return None
    if service.portal_type != "Service" or not api.user.has_permission(
        "View", obj=service
    ):
        return None
    return {
        "url": service.absolute_url(),
        "address": address_lines(service),
        "map_url": map_url(service),
        "phones": phone_links(service.phones),
        "emails": list(service.emails or []),
        "hours": hours_fields(service),
    }


class FooterViewlet(ViewletBase):
    """The commune's footer, in place of Plone's footer portlets."""

    index = ViewPageTemplateFile("footer.pt")

    def update(self):
        super().update()
        site = api.portal.get()
        self.title = api.portal.get_registry_record("plone.site_title", default="")
        self.contact = administration_contact(
            site, self.portal_state.anonymous(), self.portal_state.portal_url()
        )

    def status(self) -> dict | None:
        """Open or closed now (the helper that every "open now" uses)."""
        if self.contact is None:
            return None
        return page.status_of(self.contact["hours"], page.now(), self.request)

    def timetable(self) -> list[dict]:
        """The days the administration opens, with their hours."""
        if self.contact is None:
            return []
        hours = OpeningHours.of_fields(self.contact["hours"])
        return [
            {
                "day": translate(title, context=self.request),
                "hours": ", ".join(str(each) for each in hours.week[index]),
            }
            for index, (_name, title) in enumerate(WEEKDAYS)
            if hours.week.get(index)
        ]

    def social_links(self) -> list[dict]:
        return social_links(api.portal.get_registry_record(SOCIAL_RECORD, default=[]))

    def legal_links(self) -> list[dict]:
        chrome = PageChrome(self.context, self.request).setup(self.view)
        return chrome.legal_links()
