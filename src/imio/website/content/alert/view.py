"""The page of an alert."""

from imio.website.content.alert.content import in_brussels
from imio.website.content.alert.content import SEVERITIES
from Products.Five import BrowserView
from zope.i18n import translate


class AlertView(BrowserView):
    """Severity, period and the link to more information."""

    def severity(self) -> str:
        term = SEVERITIES.getTerm(self.context.severity or "info")
        return translate(term.title, context=self.request)

    def period(self) -> dict:
        return {
            "start": f"{in_brussels(self.context.start):%d/%m/%Y %H:%M}",
            "end": f"{in_brussels(self.context.end):%d/%m/%Y %H:%M}",
        }
