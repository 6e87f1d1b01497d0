"""The applicant withdraws a request that no agent has decided on yet."""

from imio.eguichet import _
from plone import api


WITHDRAWABLE_STATES = ("submitted", "awaiting_info")
WITHDRAW_TRANSITION = "withdraw"
CONFIRM_FIELD = "confirm_withdraw"
MAX_REASON = 2000
NOT_CONFIRMED = _("Please tick the box to confirm that you withdraw your request.")
WITHDRAWN = _("Your request has been withdrawn.")


def withdrawable(case) -> bool:
    return api.content.get_state(case) in WITHDRAWABLE_STATES


def withdraw(case, reason: str) -> None:
    """Move the case to ``withdrawn``; the workflow's guard has the last word."""
    api.content.transition(
        case, transition=WITHDRAW_TRANSITION, comment=reason.strip()[:MAX_REASON]
    )
