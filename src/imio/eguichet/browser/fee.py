"""The fee of an e-guichet form, on the pages a citizen goes through.

The check-your-answers page and the confirmation page show it; the form's
page says it in its introduction; the editors' pages do not.
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
        if self.fee is None or self.page not in CITIZEN_PAGES:
            return False
        form = getattr(self.view, "form_instance", None)
        return not (form is not None and form.shows_introduction())

    def text(self):
        language = self.request.get("LANGUAGE") or api.portal.get_default_language()
        return _(
            "Cost: ${amount}", mapping={"amount": format_amount(self.fee, language)}
        )
