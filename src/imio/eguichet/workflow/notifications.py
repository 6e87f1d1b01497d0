"""E-mails about a case: to the applicant at each step, to the commune when new.

The commune's e-mail carries the reference, the form and a link, never an
answer: agents read the answers on the case's page, behind their login.

Through the MailHost's queue when the site has one (the commune policy sets it
up): the message is queued with the case's transaction and sent later, so an
SMTP outage delays the e-mail but never loses it nor the case.
"""

from email.message import EmailMessage
from email.utils import formataddr
from imio.eguichet import _
from imio.eguichet.browser.answer import ANSWER_TRANSITION
from imio.eguichet.browser.follow import follow_url
from imio.eguichet.display import format_date
from imio.eguichet.letters import DECISIONS
from imio.eguichet.letters import store_letter
from imio.eguichet.workflow import NOTIFIED_TRANSITIONS
from plone import api
from zope.i18n import translate
from zope.i18nmessageid import Message
from zoneinfo import ZoneInfo

import logging
import transaction


logger = logging.getLogger("imio.eguichet")

SERVICE_COMMENT = _("Message from the service: ${comment}")
# The applicant's own words, read back to them.
OWN_COMMENTS = {
    "withdraw": _("Your reason: ${comment}"),
    ANSWER_TRANSITION: _("Your answer: ${comment}"),
}
# What the e-mail says first, before the new status.
OPENINGS = {ANSWER_TRANSITION: _("We have received your answer.")}


def case_submitted(case, event):
    """Confirm the submission, with the access code of an anonymous applicant."""
    mapping = _mapping(case)
    body = [_("Your request has been received under the reference ${reference}.")]
    if event.access_code:
        mapping["access_code"] = event.access_code
        body.append(
            _(
                "Your access code is ${access_code}. Keep it with the reference: "
                "you need both to follow your request without logging in."
            )
        )
    body.append(_("You receive an e-mail each time your request moves on."))
    _send(case, _("Your request ${reference} has been received"), body, mapping)


def case_transition(case, event):
    """Tell the applicant where their case stands, and why."""
    if event.transition is None or event.transition.id not in NOTIFIED_TRANSITIONS:
        return
    transition = event.transition.id
    mapping = _mapping(case)
    mapping["state"] = Message(event.new_state.title, domain="imio.eguichet")
    body = [_("Your request ${reference} is now: ${state}.")]
    if transition in OPENINGS:
        body.insert(0, OPENINGS[transition])
    comment = ((event.kwargs or {}).get("comment") or "").strip()
    label = OWN_COMMENTS.get(transition, SERVICE_COMMENT)
    if transition == ANSWER_TRANSITION:
        if _by_applicant(case):
            # The answer is the message just added: the transition itself
            # carries no comment.
            comment = comment or _latest_answer(case)
        else:
            # An agent records an answer received otherwise, in their words.
            label = SERVICE_COMMENT
    if comment:
        mapping["comment"] = comment
        body.append(label)
    letter = None
    if transition in DECISIONS:
        letter = store_letter(case, transition, comment)
    _send(case, _("Your request ${reference}: ${state}"), body, mapping, letter)


def _by_applicant(case) -> bool:
    """Whether the applicant moves the case, not an agent on their behalf.

    An anonymous applicant acts through the follow-up page with their access
    code; agents are always logged in.
    """
    user_id = api.user.get_current().getId()
    if not case.applicant_id:
        return user_id is None
    return user_id == case.applicant_id


def _latest_answer(case) -> str:
    messages = case.messages or ()
    if messages and messages[-1].get("from_applicant"):
        return (messages[-1].get("text") or "").strip()
    return ""


def _mapping(case):
    return {
        "reference": case.formatted_reference(),
        "form": case.form_title,
        "url": case_link(case),
    }


def case_link(case) -> str:
    """The case's page for a logged-in applicant, else the follow-up page."""
    return case.absolute_url() if case.applicant_id else follow_url(case)


def notify_service(case, recipient: str):
    """Tell the commune of a new case: its reference, form, date and link."""
    language = _language()
    mapping = {
        "reference": case.formatted_reference(),
        "form": case.form_title,
        "date": format_date(_site_time(case.created()), language),
        "url": case.absolute_url(),
    }
    paragraphs = [
        _('A new request was sent on ${date} with the form "${form}".'),
        _("Reference: ${reference}"),
        _("Open it in the back office: ${url}"),
    ]
    _post(
        recipient,
        "",
        _("New request ${reference}: ${form}"),
        paragraphs,
        mapping,
        case,
    )


def _site_time(value):
    zone = api.portal.get_registry_record("plone.portal_timezone", default=None)
    return value.asdatetime().astimezone(ZoneInfo(zone or "Europe/Brussels"))


def _language() -> str:
    return api.portal.get_registry_record("plone.default_language", default="fr")


def _applicant_language(case) -> str:
    """The applicant's own language when the site offers it, else the site's."""
    own = getattr(case, "applicant_language", None)
    offered = api.portal.get_registry_record("plone.available_languages", default=[])
    return own if own and own in (offered or ()) else _language()


def _send(case, subject, paragraphs, mapping, letter=None):
    if not case.applicant_email:
        return
    paragraphs = [
        _("Hello ${name},", mapping={"name": case.applicant_name or ""}),
        _('About your request "${form}".'),
        *paragraphs,
        _("Follow your request: ${url}"),
    ]
    _post(
        case.applicant_email,
        case.applicant_name or "",
        subject,
        paragraphs,
        mapping,
        case,
        language=_applicant_language(case),
        letter=letter,
    )


def _post(
    address, name, subject, paragraphs, mapping, case, language=None, letter=None
):
    sender = api.portal.get_registry_record("plone.email_from_address", default="")
    if not sender:
        logger.warning("No sender address: no e-mail for case %s", case.getId())
        return
    language = language or _language()
    translated = {
        key: translate(value, target_language=language)
        if isinstance(value, Message)
        else value
        for key, value in mapping.items()
    }

    def text(message):
        own = message.mapping or {}
        return translate(
            Message(message, mapping={**translated, **own}), target_language=language
        )

    message = EmailMessage()
    message["Subject"] = text(subject)
    message["From"] = formataddr((
        api.portal.get_registry_record("plone.email_from_name", default="") or "",
        sender,
    ))
    message["To"] = formataddr((name, address))
    message.set_content("\n\n".join(text(paragraph) for paragraph in paragraphs))
    if letter is not None:
        message.add_attachment(
            letter.data, "application", "pdf", filename=letter.filename
        )
    mailhost = api.portal.get_tool("MailHost")
    if mailhost.smtp_queue:
        # Written to the queue directory when the case commits, and sent by
        # the queue's thread whenever the mail server answers.
        mailhost.send(message.as_string(), immediate=False)
        return
    # Without a queue, sent once the case is committed, never as part of its
    # transaction: an unreachable mail server must not undo a submission.
    transaction.get().addAfterCommitHook(_deliver, args=(mailhost, message.as_string()))


def _deliver(committed, mailhost, message):
    if not committed:
        return
    try:
        mailhost.send(message, immediate=True)
    except Exception:
        logger.exception("Could not send an e-mail about a case")
