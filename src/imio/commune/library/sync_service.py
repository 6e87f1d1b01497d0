"""``POST {site}/@library-sync``: the sync run by the instance that serves the site."""

from imio.commune.library.sync import RESULT
from imio.commune.library.sync import sync_site
from plone.restapi.services import Service


class LibrarySyncPost(Service):
    """Pull the library's changes into the site; the summary row.

    A failed pull answers 502 with the row, whose result says why.
    """

    def reply(self):
        row = sync_site(self.context)
        if row[RESULT].startswith("échec"):
            self.request.response.setStatus(502)
        return row
