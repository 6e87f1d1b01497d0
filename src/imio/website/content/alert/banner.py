"""The alerts banner, on top of every page while alerts are active."""

from DateTime import DateTime
from imio.website.content.alert.content import SEVERITIES
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from zope.i18n import translate


# Most severe first; Bootstrap's classes for each severity.
ORDER = {"urgent": 0, "warning": 1, "info": 2}
STYLE = {"urgent": "danger", "warning": "warning", "info": "info"}


def active_alert_brains() -> list:
    """Catalog entries of the alerts active at this very moment."""
    now = DateTime()
    # Alerts are few: their dates are read from the metadata (exact, where the
    # indexes round to the minute) rather than through the start and end
    # indexes, which hold every future date of every recurring event.
    return [
        brain
        for brain in api.content.find(portal_type="Alert")
        if brain.start is not None
        and brain.end is not None
        and brain.start <= now < brain.end
    ]


class AlertsViewlet(ViewletBase):
    """Active alerts, read from the catalog at each rendering, never cached."""

    def update(self):
        super().update()
        self.alerts = self.active_alerts()

    def active_alerts(self) -> list[dict]:
        alerts = active_alert_brains()
        alerts.sort(
            key=lambda brain: (
                ORDER.get(brain.alert_severity, 3),
                -brain.start.timeTime(),
            )
        )
        return [self.describe(brain) for brain in alerts]

    def describe(self, brain) -> dict:
        severity = brain.alert_severity or "info"
        term = SEVERITIES.getTerm(severity)
        return {
            "title": brain.Title,
            "description": brain.Description,
            "url": brain.getURL(),
            "severity": translate(term.title, context=self.request),
            "style": STYLE[severity],
            "role": "alert" if severity == "urgent" else None,
        }
