"""The editor's review of a copy: the library's changes to replaced sections."""

from html import escape
from html import unescape
from imio.commune import _
from imio.commune.library.copy import CHOICES
from imio.commune.library.copy import copy_state
from imio.commune.library.copy import detach
from imio.commune.library.copy import needs_review
from imio.commune.library.copy import resolve
from imio.commune.library.copy import sections_view
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.protect.authenticator import check
from Products.Five import BrowserView
from zope.i18n import translate

import difflib
import re


TAGS = re.compile(r"<[^>]*>")
KEPT = _("The local text is kept.")
TAKEN = _("The library's text replaces the local text.")
DETACHED = _("This sheet is now a local procedure of the commune.")
BAD_REQUEST = _("This choice cannot be made on this sheet.")


def words(html: str) -> list[str]:
    """The words a reader sees, markup aside."""
    return unescape(TAGS.sub(" ", html or "")).split()


def word_diff(old_html: str, new_html: str, removed: str, added: str) -> str:
    """Escaped words of both texts, removed ones in <del>, added ones in <ins>.

    ``removed`` and ``added`` are said to screen readers, which do not
    announce the elements themselves.
    """
    old, new = words(old_html), words(new_html)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    parts = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(old[old_start:old_end])))
            continue
        if old_end > old_start:
            text = escape(" ".join(old[old_start:old_end]))
            parts.append(
                f'<del><span class="visually-hidden">{escape(removed)} </span>'
                f"{text}</del>"
            )
        if new_end > new_start:
            text = escape(" ".join(new[new_start:new_end]))
            parts.append(
                f'<ins><span class="visually-hidden">{escape(added)} </span>'
                f"{text}</ins>"
            )
    return " ".join(parts)


def safe_output(html: str, context) -> str:
    """HTML from the library shown as any rich text: through safe_html."""
    if not html:
        return ""
    value = RichTextValue(html, "text/html", "text/x-html-safe")
    return value.output_relative_to(context)


class LibraryReviewView(BrowserView):
    def __call__(self):
        if self.request.method == "POST":
            check(self.request)
            return self.act(self.request.form)
        return self.index()

    def act(self, form):
        if form.get("detach") and self.withdrawn():
            detach(self.context)
            api.portal.show_message(DETACHED, request=self.request)
            return self.request.response.redirect(self.context.absolute_url())
        section, choice = form.get("section"), form.get("choice")
        if choice not in CHOICES or section not in self.state()["pending"]:
            api.portal.show_message(BAD_REQUEST, request=self.request, type="error")
            self.request.response.setStatus(400)
            return self.index()
        resolve(self.context, section, choice)
        message = KEPT if choice == "keep" else TAKEN
        api.portal.show_message(message, request=self.request)
        if needs_review(self.context):
            target = f"{self.context.absolute_url()}/@@library-review"
        else:
            target = self.context.absolute_url()
        return self.request.response.redirect(target)

    def state(self):
        return copy_state(self.context) or {"pending": {}, "withdrawn": False}

    def withdrawn(self) -> bool:
        return bool(self.state()["withdrawn"])

    def sections(self) -> list[dict]:
        """Each section awaiting review: both texts and what changes."""
        pending = self.state()["pending"]
        removed = translate(_("Removed:"), context=self.request)
        added = translate(_("Added:"), context=self.request)
        rows = []
        for row in sections_view(self.context):
            if not row["pending"]:
                continue
            local = getattr(self.context, row["name"], None)
            local_html = local.raw if local is not None else ""
            library_html = pending[row["name"]]
            rows.append({
                "name": row["name"],
                "title": row["title"],
                "local": local.output_relative_to(self.context) if local else "",
                "library": safe_output(library_html, self.context),
                "diff": word_diff(local_html, library_html, removed, added),
            })
        return rows
