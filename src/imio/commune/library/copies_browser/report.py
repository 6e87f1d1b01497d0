"""The site's library sheets that editors must review."""

from imio.commune.library.copy import copy_state
from imio.commune.library.copy import sections_view
from plone import api
from Products.Five import BrowserView


class LibraryReportView(BrowserView):
    def sheets(self) -> list[dict]:
        """Each copy to review: its title, links, and what awaits."""
        rows = []
        for brain in api.content.find(
            context=self.context, library_review=True, sort_on="sortable_title"
        ):
            obj = brain.getObject()
            state = copy_state(obj)
            if state is None:
                continue
            rows.append({
                "title": brain.Title,
                "url": brain.getURL(),
                "withdrawn": state["withdrawn"],
                "sections": ", ".join(
                    row["title"] for row in sections_view(obj) if row["pending"]
                ),
            })
        return rows
