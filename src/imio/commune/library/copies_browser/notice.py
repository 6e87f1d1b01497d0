"""The notice an editor reads on a copy's page."""

from imio.commune import _
from imio.commune.library.copy import copy_state
from imio.commune.library.copy import needs_review
from imio.commune.library.copy import sections_view
from plone.app.layout.viewlets import ViewletBase


MODE_LABELS = {
    "inherit": _("Inherited sections"),
    "override": _("Replaced sections"),
    "append": _("Completed sections"),
}


class LibraryNoticeViewlet(ViewletBase):
    def update(self):
        super().update()
        self.state = copy_state(self.context)

    def available(self) -> bool:
        # The library's own pages say it already.
        page = getattr(self.view, "__name__", "") or ""
        return self.state is not None and not page.startswith("library-")

    def version(self):
        return self.state["version"]

    def groups(self) -> list[dict]:
        """Per mode with sections, its label and the sections' titles."""
        rows = sections_view(self.context)
        groups = []
        for mode, label in MODE_LABELS.items():
            titles = [row["title"] for row in rows if row["mode"] == mode]
            if titles:
                groups.append({"label": label, "titles": ", ".join(titles)})
        return groups

    def to_review(self) -> bool:
        return needs_review(self.context)
