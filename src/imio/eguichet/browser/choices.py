"""A required choice of an e-guichet form starts empty: the citizen chooses.

z3c.form's select widget offers no empty option for a required field, so the
browser showed the first answer as if the citizen had chosen it.
"""

from imio.eguichet import _
from imio.eguichet.browser.form import EguichetForm
from z3c.form.interfaces import ISelectWidget
from z3c.form.widget import ComputedWidgetAttribute
from z3c.form.widget import StaticWidgetAttribute
from zope.schema.interfaces import IChoice


CHOOSE = _("Choose...")

prompt = ComputedWidgetAttribute(
    lambda adapter: bool(adapter.field.required),
    view=EguichetForm,
    field=IChoice,
    widget=ISelectWidget,
)
prompt_message = StaticWidgetAttribute(
    CHOOSE, view=EguichetForm, field=IChoice, widget=ISelectWidget
)
