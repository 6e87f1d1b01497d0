"""The fee of an e-guichet form, on the pages a citizen goes through.

The form's page, the check-your-answers page (the same view, posted) and the
confirmation page show it; the editors' pages do not.
"""

from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.display import format_amount
from plone import api
from plone.app.layout.viewlets import ViewletBase


CITIZEN_PAGES = ("view", "demande", "demande-envoyee")


class FeeViewlet(ViewletBase):
    def update(self):
        super().update()
        self.fee = IEguichetForm(self.context).fee
        self.page = getattr(self.view, "__name__", "")

    def available(self) -> bool:
        return self.fee is not None and self.page in CITIZEN_PAGES

    def text(self):
        language = self.request.get("LANGUAGE") or api.portal.get_default_language()
        return _(
            "Cost: ${amount}", mapping={"amount": format_amount(self.fee, language)}
        )
