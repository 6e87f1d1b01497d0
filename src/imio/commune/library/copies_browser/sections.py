"""The editor's choice per section of a copy: inherit, replace or complete."""

from html import escape
from imio.commune import _
from imio.commune.library.copy import MODES
from imio.commune.library.copy import sections_view
from imio.commune.library.copy import set_mode
from imio.commune.library.copies_browser.review import safe_output
from plone import api
from plone.protect.authenticator import check
from Products.Five import BrowserView


SAVED = _("The sections' choices are saved.")
BAD_MODE = _("Choose inherit, replace or complete for each section.")
MODE_LABELS = (
    ("inherit", _("Inherit the library's text")),
    ("override", _("Replace with the commune's text")),
    ("append", _("Complete with a local note")),
)


def note_html(text: str) -> str:
    """A note as typed: HTML kept, plain text as paragraphs."""
    text = (text or "").strip()
    if not text or text.startswith("<"):
        return text
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    return "".join(f"<p>{escape(part)}</p>" for part in paragraphs)


class LibrarySectionsView(BrowserView):
    modes = MODE_LABELS

    def __call__(self):
        if self.request.method == "POST":
            check(self.request)
            return self.save(self.request.form)
        return self.index()

    def save(self, form):
        rows = sections_view(self.context)
        chosen = {row["name"]: form.get(f"mode.{row['name']}") for row in rows}
        if any(mode not in MODES for mode in chosen.values()):
            api.portal.show_message(BAD_MODE, request=self.request, type="error")
            self.request.response.setStatus(400)
            return self.index()
        for row in rows:
            mode = chosen[row["name"]]
            note = note_html(form.get(f"note.{row['name']}", ""))
            if mode != row["mode"] or (mode == "append" and note != row["note"]):
                set_mode(self.context, row["name"], mode, note=note)
        api.portal.show_message(SAVED, request=self.request)
        return self.request.response.redirect(self.context.absolute_url())

    def sections(self) -> list[dict]:
        return [
            dict(row, library=safe_output(row["master"], self.context))
            for row in sections_view(self.context)
        ]
