"""``@@answer``: the applicant answers a request for information."""

from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.content.case.messages import add_message
from imio.eguichet.uploads import accepted
from imio.eguichet.uploads import content_type
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.protect.authenticator import check
from Products.Five.browser import BrowserView


AWAITING_INFO = "awaiting_info"
ANSWER_TRANSITION = "provide_info"


class AnswerView(BrowserView):
    """Store the answer and its files, then give the case back to the service."""

    def __call__(self):
        if self.request.method != "POST":
            return self.back()
        check(self.request)
        if api.content.get_state(self.context) != AWAITING_INFO:
            return self.back(_("This request is not waiting for an answer."), "error")
        text = str(self.request.form.get("answer") or "").strip()
        files, refused = self.uploaded_files()
        if refused:
            message = _(
                "This file is not accepted: ${filename}. Send a file of an "
                "accepted type and size.",
                mapping={"filename": refused},
            )
            return self.back(message, "error")
        if not text and not files:
            return self.back(_("Please write an answer or add a file."), "error")
        add_message(self.context, text, from_applicant=True, files=files)
        api.content.transition(self.context, transition=ANSWER_TRANSITION)
        return self.back(_("Your answer has been sent to the service."))

    def uploaded_files(self):
        """(filename, type, data) of each file sent, and the first refused."""
        uploads = self.request.form.get("files") or []
        if not isinstance(uploads, list):
            uploads = [uploads]
        form = uuidToObject(self.context.form_uid, unrestricted=True)
        settings = IEguichetForm(form, None) if form is not None else None
        files = []
        for upload in uploads:
            filename = getattr(upload, "filename", None)
            if not filename:
                continue
            data = upload.read()
            if not accepted(data, settings):
                return files, filename
            files.append((filename, content_type(data), data))
        return files, None

    def back(self, message=None, kind="info"):
        if message is not None:
            api.portal.show_message(message, request=self.request, type=kind)
        return self.request.response.redirect(self.context.absolute_url())
