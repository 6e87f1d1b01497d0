"""``@@mes-donnees.zip``: a signed-in citizen takes away the data of their cases."""

from AccessControl import Unauthorized
from imio.eguichet.citizen_data import archive_name
from imio.eguichet.citizen_data import write_citizen_zip
from plone import api
from Products.Five.browser import BrowserView
from ZPublisher.Iterators import filestream_iterator

import os
import tempfile


def send_archive(request, cases):
    """The ZIP of ``cases`` as a download that no cache keeps.

    Written to a temporary file and streamed from it: the files of many
    cases never sit whole in the instance's memory.
    """
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as output:
        try:
            write_citizen_zip(output, cases)
        except BaseException:
            os.unlink(output.name)
            raise
    stream = filestream_iterator(output.name, "rb")
    # Open, the stream still reads the file; no name is left on the disk.
    os.unlink(output.name)
    response = request.response
    response.setHeader("Content-Type", "application/zip")
    response.setHeader(
        "Content-Disposition", f'attachment; filename="{archive_name()}"'
    )
    response.setHeader("Content-Length", str(len(stream)))
    response.setHeader("Cache-Control", "private, no-store")
    return stream


def own_cases(userid: str) -> list:
    """The cases whose applicant is ``userid`` and that the user may open."""
    brains = api.portal.get_tool("portal_catalog")(
        portal_type="Case", case_applicant=userid, sort_on="created"
    )
    cases = (brain.getObject() for brain in brains)
    # The catalog finds; the case itself says whose it is.
    return [case for case in cases if case.applicant_id == userid]


class MyDataView(BrowserView):
    """Every case of the current user: answers, history, messages and files."""

    def __call__(self):
        if api.user.is_anonymous():
            # Plone answers with its login form, then comes back here.
            raise Unauthorized("Log in to download your data.")
        return send_archive(self.request, own_cases(api.user.get_current().getId()))
