"""Events of imio.eguichet."""

from imio.eguichet.interfaces import ICaseSubmittedEvent
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent


@implementer(ICaseSubmittedEvent)
class CaseSubmittedEvent(ObjectEvent):
    """A submission became a case."""

    def __init__(self, case, access_code=None, form=None):
        super().__init__(case)
        self.access_code = access_code
        self.form = form
