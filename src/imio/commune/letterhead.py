"""The e-guichet's letters under the website's letterhead.

The website knows the commune's logo (or its generated shield), and the
administration's postal address, phones and e-mails, as its footer shows
them; the e-guichet's letters read them through this utility.
"""

from imio.eguichet.letters.letterhead import data_uri
from imio.eguichet.letters.letterhead import Letterhead
from imio.eguichet.letters.letterhead import site_logo_uri
from imio.website.browser.branding import brand_colour
from imio.website.browser.branding import mark_svg
from imio.website.browser.footer import administration_contact
from plone import api


def commune_letterhead(site) -> Letterhead:
    title = api.portal.get_registry_record("plone.site_title", default="")
    name = title or site.Title()
    logo = site_logo_uri() or data_uri(
        "image/svg+xml", mark_svg(name, brand_colour()).encode("utf-8")
    )
    # Read as a signed-in agent does: never cached for visitors.
    contact = administration_contact(site, False, site.absolute_url()) or {}
    return Letterhead(
        name=name,
        logo=logo,
        address=list(contact.get("address") or ()),
        phones=[phone["label"] for phone in contact.get("phones") or ()],
        emails=list(contact.get("emails") or ()),
    )
