"""``@@mes-demarches``: a logged-in citizen's own cases."""

from AccessControl import Unauthorized
from imio.eguichet import _
from imio.eguichet.browser.follow import EXPIRED
from imio.eguichet.browser.follow import find_case
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.browser.follow import TOO_MANY_ATTEMPTS
from imio.eguichet.browser.follow import WINDOW_MINUTES
from imio.eguichet.browser.workspace import badge_class
from imio.eguichet.browser.workspace import WORKSPACE_BUNDLE
from imio.eguichet.cases import claim_case
from imio.eguichet.reference import format_reference
from imio.eguichet.submissions import client_address
from plone import api
from Products.CMFPlone.resources import add_bundle_on_request
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.component import getMultiAdapter
from zope.i18n import translate


# One message for an unknown reference, a wrong code and a request already
# someone's: the answer must not tell whether a reference exists.
NOT_CLAIMABLE = _(
    "No request sent without signing in matches this reference and access code. "
    "Please check both in the confirmation e-mail."
)


class MyCasesView(BrowserView):
    """The cases whose applicant is the current user, newest first."""

    template = ViewPageTemplateFile("templates/my_cases.pt")

    @property
    def page_title(self) -> str:
        return translate(
            _("My requests"),
            context=self.request,
            target_language=self.request.get("LANGUAGE") or None,
        )

    claim_error = None

    def __call__(self):
        if api.user.is_anonymous():
            # Plone answers with its login form, then comes back here.
            raise Unauthorized("Log in to see your requests.")
        self.request.response.setHeader("Cache-Control", "private, no-store")
        claiming = self.request.method == "POST" and self.request.form.get("claim")
        if claiming and self.claim():
            return self.request.response.redirect(self.page_url(), status=303)
        # The states' badges, in the colours agents see.
        add_bundle_on_request(self.request, WORKSPACE_BUNDLE)
        return self.template()

    def page_url(self) -> str:
        return f"{api.portal.get().absolute_url()}/@@mes-demarches"

    def claim(self) -> bool:
        """Make the request of a reference and access code the user's own."""
        response = self.request.response
        authenticator = getMultiAdapter(
            (self.context, self.request), name="authenticator"
        )
        if not authenticator.verify():
            self.claim_error = EXPIRED
            response.setStatus(400)
            return False
        # The follow-up page's count: one guess budget for an access code.
        if not FOLLOW_ATTEMPTS.allow(client_address(self.request)):
            self.claim_error = TOO_MANY_ATTEMPTS
            response.setStatus(429)
            response.setHeader("Retry-After", str(WINDOW_MINUTES * 60))
            return False
        case = find_case(
            api.portal.get(),
            str(self.request.form.get("reference") or ""),
            str(self.request.form.get("access_code") or ""),
        )
        if case is None or case.applicant_id:
            self.claim_error = NOT_CLAIMABLE
            response.setStatus(400)
            return False
        claim_case(case, api.user.get_current().getId())
        api.portal.show_message(
            _(
                "The request ${reference} is now one of your requests.",
                mapping={"reference": case.formatted_reference()},
            ),
            request=self.request,
        )
        return True

    def typed_reference(self) -> str:
        return str(self.request.form.get("reference") or "")[:40]

    def cases(self) -> list[dict]:
        # A search with the user's permissions: a case is listed only when
        # its applicant may also open it.
        brains = api.portal.get_tool("portal_catalog")(
            portal_type="Case",
            case_applicant=api.user.get_current().getId(),
            sort_on="created",
            sort_order="reverse",
        )
        workflow = api.portal.get_tool("portal_workflow")
        return [
            {
                "url": brain.getURL(),
                "reference": format_reference(brain.case_reference),
                "form_title": brain.case_form_title,
                "state": brain.review_state,
                "badge_class": badge_class(brain.review_state),
                "state_title": workflow.getTitleForStateOnType(
                    brain.review_state, "Case"
                ),
                "created": api.portal.get_localized_time(brain.created),
                "letter_url": letter_url(brain),
            }
            for brain in brains
        ]


def letter_url(brain) -> str:
    """The decision letter's download, when the case has one (a citizen's few)."""
    case = brain.getObject()
    return f"{brain.getURL()}/@@lettre" if getattr(case, "letter", None) else ""
