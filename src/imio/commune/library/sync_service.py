"""``POST {site}/@library-sync``: the sync run by the instance that serves the site."""

from imio.commune.library.sync import RESULT
from imio.commune.library.sync import sync_site
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


class LibrarySyncPost(Service):
    """Pull the library's changes into the site; the summary row.

    A failed pull answers 502 with the row, whose result says why.
    """

    def reply(self):
        # An API call of managers, JSON only (plone.rest answers no HTML form),
        # as plone.restapi's own write services: no form authenticator.
        alsoProvides(self.request, IDisableCSRFProtection)
        row = sync_site(self.context)
        if row[RESULT].startswith("échec"):
            self.request.response.setStatus(502)
        return row
