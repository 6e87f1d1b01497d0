"""In the procedures section, for its reviewers: the library sheets to review."""

from Acquisition import aq_base
from plone import api
from plone.app.layout.viewlets import ViewletBase


PROCEDURES = "demarches"


class LibraryToReviewViewlet(ViewletBase):
    def update(self):
        super().update()
        self.count = 0
        if self.in_procedures_section():
            self.count = len(
                api.content.find(context=self.context, library_review=True)
            )

    def in_procedures_section(self) -> bool:
        section = api.portal.get().get(PROCEDURES)
        return (
            section is not None
            and aq_base(self.context) is aq_base(section)
            and getattr(self.view, "__name__", "") != "edit"
        )

    def report_url(self) -> str:
        return f"{api.portal.get().absolute_url()}/@@library-report"
