"""The case workflow: guards and notifications around its transitions."""

from imio.eguichet import _


WORKFLOW_ID = "imio_case_workflow"

# Transitions that need a comment, which the applicant reads.
COMMENT_REQUIRED = {
    "ask_info": _("Please say which information the applicant must provide."),
    "refuse": _("Please give the reason for the refusal."),
}

# Transitions the applicant is told about by e-mail; the others are the
# applicant's own (withdraw, provide_info) or internal (close).
NOTIFIED_TRANSITIONS = ("receive", "start", "ask_info", "accept", "refuse")
