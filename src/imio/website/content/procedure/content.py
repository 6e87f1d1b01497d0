"""Procedure (démarche): what a citizen gets and how to ask for it."""

from imio.website import _
from plone.app.textfield import RichText
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant

import re


TAGS = re.compile(r"<[^>]*>|&nbsp;|&#160;")

# Sections a procedure needs before it can be published, in page order.
MANDATORY_SECTIONS = ("what_you_get", "who_may_ask", "how_to_proceed", "cost")

SECTIONS = (
    "what_you_get",
    "who_may_ask",
    "how_to_proceed",
    "documents",
    "cost",
    "delay",
    "legal_basis",
    "exceptions",
)


class IProcedure(model.Schema):
    """An administrative procedure of the commune."""

    featured = schema.Bool(
        title=_("Show on the home page"),
        description=_("Among the most asked procedures, listed on the home page."),
        required=False,
        default=False,
    )
    what_you_get = RichText(title=_("What you get"), required=False)
    who_may_ask = RichText(title=_("Who may ask"), required=False)
    how_to_proceed = RichText(title=_("How to proceed"), required=False)
    documents = RichText(title=_("Documents to bring"), required=False)
    cost = RichText(title=_("Cost"), required=False)
    delay = RichText(title=_("Delay"), required=False)
    legal_basis = RichText(title=_("Legal basis"), required=False)
    exceptions = RichText(title=_("Exceptions"), required=False)

    directives.widget("responsible_service", SelectFieldWidget)
    responsible_service = RelationChoice(
        title=_("Responsible service"),
        vocabulary="imio.website.Services",
        required=False,
    )

    model.fieldset(
        "online_form",
        label=_("Online form"),
        fields=["online_form", "online_form_url"],
    )
    directives.widget("online_form", SelectFieldWidget)
    online_form = RelationChoice(
        title=_("E-guichet form"),
        description=_("The form of the e-guichet where citizens ask online."),
        vocabulary="imio.website.OnlineForms",
        required=False,
    )
    online_form_url = schema.URI(
        title=_("External online form"),
        description=_("Address of a form on another site, for example the region's."),
        required=False,
    )

    @invariant
    def one_online_form(data):
        if data.online_form and data.online_form_url:
            raise Invalid(
                _("Choose either an e-guichet form or an external form, not both.")
            )


def is_empty(text) -> bool:
    """True when a rich text holds no words, only markup or spaces."""
    if text is None:
        return True
    return not TAGS.sub("", text.raw or "").strip()


@implementer(IProcedure)
class Procedure(Container):
    """A procedure, which may hold the files citizens download."""

    def missing_sections(self) -> list[str]:
        """Names of the mandatory sections still empty."""
        return [
            name for name in MANDATORY_SECTIONS if is_empty(getattr(self, name, None))
        ]
