"""The case workflow: guards and notifications around its transitions."""

from imio.eguichet import _


WORKFLOW_ID = "imio_case_workflow"

# Transitions that need a comment, which the applicant reads.
COMMENT_REQUIRED = {
    "ask_info": _("Please say which information the applicant must provide."),
    "refuse": _("Please give the reason for the refusal."),
}

# Transitions the applicant is told about by e-mail, withdrawal included: the
# e-mail confirms it. Not mailed: provide_info (the applicant's own answer,
# which gives the case back to the service) and close (internal archiving).
NOTIFIED_TRANSITIONS = (
    "receive",
    "start",
    "ask_info",
    "accept",
    "refuse",
    "withdraw",
)
