"""The case workflow: guards and notifications around its transitions."""

from imio.eguichet import _


WORKFLOW_ID = "imio_case_workflow"

# Transitions that need a comment, which the applicant reads.
COMMENT_REQUIRED = {
    "ask_info": _("Please say which information the applicant must provide."),
    "refuse": _("Please give the reason for the refusal."),
}

# Transitions the applicant is told about by e-mail: every one of them. The
# applicant's own steps too: the e-mail confirms a withdrawal and acknowledges
# an answer (provide_info); closing shows on the follow-up page as well.
NOTIFIED_TRANSITIONS = (
    "receive",
    "start",
    "ask_info",
    "provide_info",
    "resume",
    "accept",
    "refuse",
    "close",
    "withdraw",
)
