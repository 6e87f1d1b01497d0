"""``{case}/@@attachment/{name}``: one file of a case, to whoever may view it."""

from imio.eguichet import audit
from plone.namedfile.utils import set_headers
from plone.namedfile.utils import stream_data
from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class AttachmentView(BrowserView):
    """Always a download: a file sent by a citizen is never shown inline."""

    name = None

    def publishTraverse(self, request, name):
        if self.name is not None:
            raise NotFound(self, name, request)
        self.name = name
        return self

    def __call__(self):
        file = (self.context.attachments or {}).get(self.name or "")
        if file is None:
            raise NotFound(self, self.name, self.request)
        audit.record(self.context, "download", self.request, detail=self.name)
        response = self.request.response
        set_headers(file, response, filename=file.filename or self.name)
        # Sent files are whatever the citizen sent: never rendered by the browser.
        response.setHeader("Content-Type", "application/octet-stream")
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        return stream_data(file)
