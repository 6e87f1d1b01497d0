"""``@@suivi``: an anonymous applicant follows a case with its access code."""

from imio.eguichet import _
from imio.eguichet.browser.answer import AnswerRefused
from imio.eguichet.browser.answer import ANSWERED
from imio.eguichet.browser.answer import can_answer
from imio.eguichet.browser.answer import receive_answer
from imio.eguichet.browser.my_data import send_archive
from imio.eguichet.content.case import public
from imio.eguichet.content.case.content import ICase
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.ratelimit import AttemptLimiter
from imio.eguichet.reference import normalize_reference
from imio.eguichet.submissions import client_address
from imio.eguichet.withdraw import CONFIRM_FIELD
from imio.eguichet.withdraw import NOT_CONFIRMED
from imio.eguichet.withdraw import withdraw
from imio.eguichet.withdraw import withdrawable
from imio.eguichet.withdraw import WITHDRAWN
from plone import api
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate
from zope.component import getMultiAdapter


FOLLOW_VIEW = "suivi"
ATTEMPTS = 10
WINDOW_MINUTES = 15

# Per process, in memory: see imio.eguichet.ratelimit.
FOLLOW_ATTEMPTS = AttemptLimiter(ATTEMPTS, WINDOW_MINUTES * 60)

# One message for an unknown reference and for a wrong code: the answer must
# not tell whether a reference exists.
NO_MATCH = _(
    "No request matches this reference and access code. Please check both in "
    "the confirmation e-mail."
)
TOO_MANY_ATTEMPTS = _(
    "Too many attempts from your connection. Please try again in ${minutes} minutes.",
    mapping={"minutes": WINDOW_MINUTES},
)
EXPIRED = _("The page has expired. Please send the form again.")


def follow_url(case) -> str:
    """The follow-up page with the case's reference filled in, never its code."""
    portal_url = api.portal.get().absolute_url()
    return f"{portal_url}/@@{FOLLOW_VIEW}?reference={case.formatted_reference()}"


def case_by_reference(portal, reference: str):
    """The case with this reference (as typed or as stored), or None."""
    folder = get_cases_folder(portal)
    reference = normalize_reference(reference)
    case = folder._getOb(reference, None) if folder and reference else None
    return case if ICase.providedBy(case) else None


def find_case(portal, reference: str, code: str):
    """The case with this reference and access code, or None."""
    case = case_by_reference(portal, reference)
    return case if case is not None and case.check_access_code(code) else None


class FollowView(BrowserView):
    """Reference and access code in, status, history and messages out."""

    template = ViewPageTemplateFile("templates/follow.pt")
    page_layout = "transactional"
    case = None
    error = None

    withdraw_error = None
    answer_error = None

    @property
    def page_title(self) -> str:
        return translate(
            _("Follow your request"),
            context=self.request,
            target_language=self.request.get("LANGUAGE") or None,
        )

    def __call__(self):
        self.request.response.setHeader("Cache-Control", "private, no-store")
        if self.request.method == "POST":
            self.look_up()
            if self.case is not None and self.request.form.get("withdraw"):
                self.withdraw()
            elif self.case is not None and self.request.form.get("send_answer"):
                self.answer()
            elif self.request.form.get("download_letter") and self.has_letter():
                return self.letter()
            elif self.case is not None and self.request.form.get("download_data"):
                return send_archive(self.request, [self.case])
        return self.template()

    def letter(self):
        """The decision letter, for the holder of the reference and code."""
        letter = self.case.letter
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{letter.filename}"'
        )
        return letter.data

    def answer(self):
        """The holder of the access code answers, as its owner would."""
        try:
            with api.env.adopt_roles(["Owner"]):
                receive_answer(self.case, self.request.form)
        except AnswerRefused as refused:
            self.answer_error = refused.args[0]
            self.request.response.setStatus(400)
            return
        api.portal.show_message(ANSWERED, request=self.request)

    def can_answer(self) -> bool:
        return self.case is not None and can_answer(self.case)

    def withdraw(self):
        """The holder of the access code withdraws the case, as its owner would."""
        if not withdrawable(self.case):
            self.error = _("This request can no longer be withdrawn.")
            return
        if not self.request.form.get(CONFIRM_FIELD):
            self.withdraw_error = NOT_CONFIRMED
            return
        reason = str(self.request.form.get("withdraw_reason") or "")
        with api.env.adopt_roles(["Owner"]):
            withdraw(self.case, reason)
        api.portal.show_message(WITHDRAWN, request=self.request)

    def has_letter(self) -> bool:
        return self.case is not None and getattr(self.case, "letter", None) is not None

    def can_withdraw(self) -> bool:
        return self.case is not None and withdrawable(self.case)

    def look_up(self):
        authenticator = getMultiAdapter(
            (self.context, self.request), name="authenticator"
        )
        if not authenticator.verify():
            self.error = EXPIRED
            return
        # Behind the load balancer, the citizen's address, not the balancer's.
        # Only wrong guesses are counted: the applicant following, answering
        # or downloading with the right code is never locked out.
        client = client_address(self.request)
        if FOLLOW_ATTEMPTS.exhausted(client):
            self.request.response.setStatus(429)
            self.request.response.setHeader("Retry-After", str(WINDOW_MINUTES * 60))
            self.error = TOO_MANY_ATTEMPTS
            return
        self.case = find_case(
            api.portal.get(),
            str(self.request.form.get("reference") or ""),
            str(self.request.form.get("access_code") or ""),
        )
        if self.case is None:
            FOLLOW_ATTEMPTS.count(client)
            self.error = NO_MATCH

    def typed_reference(self) -> str:
        return str(self.request.form.get("reference", ""))[:40]

    def details(self) -> dict:
        """What the applicant reads of the case: plain strings only."""
        case = self.case
        return {
            "reference": case.formatted_reference(),
            "form_title": case.form_title,
            "state": public.state_title(case),
            "due_date": public.due_date(case),
            "history": public.history(case),
            "messages": public.messages(case),
        }
