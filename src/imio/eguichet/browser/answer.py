"""The applicant answers a request for information.

Logged-in applicants answer on the case's page (``@@answer``), anonymous ones
on the follow-up page with their reference and access code; both go through
``receive_answer``.
"""

from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.content.case.messages import add_message
from imio.eguichet.uploads import accepted
from imio.eguichet.uploads import content_type
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.protect.authenticator import check
from Products.Five.browser import BrowserView
from zope.component import getMultiAdapter


AWAITING_INFO = "awaiting_info"
ANSWER_TRANSITION = "provide_info"
ANSWER_FIELD = "answer"
FILES_FIELD = "files"
MAX_ANSWER = 10000
# Where the case's page finds why an answer was refused.
ANSWER_ERROR = "imio.eguichet.answer_error"
ANSWERED = _("Your answer has been sent to the service.")


class AnswerRefused(Exception):
    """The answer cannot be taken; the message says why, for the applicant."""


def can_answer(case) -> bool:
    return api.content.get_state(case) == AWAITING_INFO


def receive_answer(case, form) -> None:
    """Store the answer and files of a request's ``form``, give the case back.

    Raises AnswerRefused, with nothing stored, when the answer is refused. The
    caller checks the form's token and who answers.
    """
    if not can_answer(case):
        raise AnswerRefused(_("This request is not waiting for an answer."))
    text = str(form.get(ANSWER_FIELD) or "").strip()
    if len(text) > MAX_ANSWER:
        raise AnswerRefused(
            _(
                "Your answer is too long: ${length} characters, at most ${max}. "
                "Shorten it, or send the rest as a file.",
                mapping={"length": len(text), "max": MAX_ANSWER},
            )
        )
    files, refused = uploaded_files(case, form)
    if refused:
        raise AnswerRefused(
            _(
                "This file is not accepted: ${filename}. Send a file of an "
                "accepted type and size.",
                mapping={"filename": refused},
            )
        )
    if not text and not files:
        raise AnswerRefused(_("Please write an answer or add a file."))
    add_message(case, text, from_applicant=True, files=files)
    api.content.transition(case, transition=ANSWER_TRANSITION)


def uploaded_files(case, form):
    """(filename, type, data) of each file sent, and the first refused."""
    uploads = form.get(FILES_FIELD) or []
    if not isinstance(uploads, list):
        uploads = [uploads]
    source = uuidToObject(case.form_uid, unrestricted=True)
    settings = IEguichetForm(source, None) if source is not None else None
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


class AnswerView(BrowserView):
    """A logged-in applicant's answer, sent from the case's page."""

    def __call__(self):
        if self.request.method != "POST":
            return self.request.response.redirect(self.context.absolute_url())
        check(self.request)
        try:
            receive_answer(self.context, self.request.form)
        except AnswerRefused as refused:
            # The case's page again, the answer typed still in its field.
            message = refused.args[0]
            api.portal.show_message(message, request=self.request, type="error")
            self.request.set(ANSWER_ERROR, message)
            self.request.response.setStatus(400)
            return getMultiAdapter((self.context, self.request), name="view")()
        api.portal.show_message(ANSWERED, request=self.request)
        return self.request.response.redirect(self.context.absolute_url())
