"""A commune's copy of a library sheet: what it inherits, overrides or completes.

The copy's own rich text fields always hold the effective text, so every
view, export and index of a procedure works on a copy unchanged. The
annotation keeps what the library says, the editor's choice per section and
the library's changes waiting for the editor's review.
"""

from html import unescape
from imio.commune.library.interfaces import ILibraryCopy
from imio.website.content.procedure.content import IProcedure
from imio.website.content.procedure.content import SECTIONS
from persistent.mapping import PersistentMapping
from plone import api
from plone.app.textfield.value import RichTextValue
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import noLongerProvides
from zope.lifecycleevent import ObjectModifiedEvent

import re


ANNOTATION = "imio.commune.library"
MODES = ("inherit", "override", "append")
CHOICES = ("keep", "take")
# Title, description and taxonomies follow the library until the editor
# changes them; the entry's name of each, and the procedure's attribute.
META = {
    "title": "title",
    "description": "description",
    "topics": "taxonomy_topic",
    "life_events": "taxonomy_life_event",
    "audiences": "taxonomy_audience",
}
SPACES = re.compile(r"\s+")
BETWEEN_TAGS = re.compile(r">\s+<")
SELF_CLOSING = re.compile(r"\s*/>")


def copy_state(obj) -> PersistentMapping | None:
    """The copy's library state; None for content that is not a copy."""
    if not ILibraryCopy.providedBy(obj):
        return None
    return IAnnotations(obj).get(ANNOTATION)


def create_copy(folder, entry: dict):
    """A new published copy of a feed entry, inheriting every section."""
    key = entry["key"]
    obj = api.content.create(
        container=folder,
        type="Procedure",
        id=free_id(folder, key),
        title=entry.get("title") or key,
        description=entry.get("description") or "",
        safe_id=False,
    )
    master = entry_sections(entry)
    for name in SECTIONS:
        set_text(obj, name, master[name])
    meta = entry_meta(entry)
    for name, attribute in META.items():
        setattr(obj, attribute, meta[name])
    alsoProvides(obj, ILibraryCopy)
    IAnnotations(obj)[ANNOTATION] = PersistentMapping({
        "key": key,
        "language": entry.get("language", ""),
        "uid": entry.get("uid", ""),
        "url": entry.get("url", ""),
        "version": entry.get("version", 0),
        "master": master,
        "modes": dict.fromkeys(SECTIONS, "inherit"),
        "notes": {},
        "pending": {},
        "withdrawn": False,
        "meta": meta,
    })
    publish(obj)
    obj.reindexObject()
    return obj


def adopt_procedure(obj, entry: dict) -> str:
    """The commune's own procedure of the sheet's name becomes its copy.

    What the commune wrote stays: a section that differs from the library's
    is overridden and waits for the editor's review (keep or take), an empty
    one inherits, one that says the same inherits. Its title, description,
    taxonomies, service, online form and state stay as they are. "flagged"
    when a section waits for review, else "updated".
    """
    if copy_state(obj) is not None:
        raise ValueError(f"{obj.absolute_url()} est déjà une copie de la bibliothèque")
    master = entry_sections(entry)
    modes, pending = {}, {}
    for name in SECTIONS:
        local = text_of(obj, name)
        if not squash(local) or same_html(local, master[name]):
            modes[name] = "inherit"
            set_text(obj, name, master[name])
        else:
            modes[name] = "override"
            pending[name] = master[name]
    alsoProvides(obj, ILibraryCopy)
    IAnnotations(obj)[ANNOTATION] = PersistentMapping({
        "key": entry["key"],
        "language": entry.get("language", ""),
        "uid": entry.get("uid", ""),
        "url": entry.get("url", ""),
        "version": entry.get("version", 0),
        "master": master,
        "modes": modes,
        "notes": {},
        "pending": pending,
        "withdrawn": False,
        "meta": entry_meta(entry),
    })
    changed(obj)
    return "flagged" if pending else "updated"


def sections_view(obj) -> list[dict]:
    """Per section: its name, translated title, mode and whether it awaits review."""
    state = copy_state(obj)
    if state is None:
        return []
    request = getRequest()
    return [
        {
            "name": name,
            "title": translate(IProcedure[name].title, context=request),
            "mode": state["modes"].get(name, "inherit"),
            "pending": name in state["pending"],
            "master": state["master"].get(name, ""),
            "note": state["notes"].get(name, ""),
        }
        for name in SECTIONS
    ]


def set_mode(obj, section: str, mode: str, note: str | None = None) -> None:
    """Inherit, override or complete a section; its field gets the effective text."""
    state = require_state(obj)
    check_section(section)
    if mode not in MODES:
        raise ValueError(f"mode inconnu : {mode}")
    modes = dict(state["modes"], **{section: mode})
    notes = dict(state["notes"])
    if mode == "append":
        if note is not None:
            notes[section] = note
        notes.setdefault(section, "")
    else:
        notes.pop(section, None)
    pending = without(state["pending"], section)
    write_state(state, modes=modes, notes=notes, pending=pending)
    if mode != "override":
        set_text(obj, section, effective_text(state, section))
    changed(obj)


def resolve(obj, section: str, choice: str) -> None:
    """Keep the local text (stays overridden) or take the library's (inherits)."""
    state = require_state(obj)
    check_section(section)
    if choice not in CHOICES:
        raise ValueError(f"choix inconnu : {choice}")
    pending = without(state["pending"], section)
    if choice == "keep":
        write_state(state, pending=pending)
    else:
        modes = dict(state["modes"], **{section: "inherit"})
        notes = without(state["notes"], section)
        write_state(state, modes=modes, notes=notes, pending=pending)
        set_text(obj, section, state["master"].get(section, ""))
    changed(obj)


def detach(obj) -> None:
    """The copy becomes an ordinary local procedure, its texts kept as they are."""
    require_state(obj)
    del IAnnotations(obj)[ANNOTATION]
    noLongerProvides(obj, ILibraryCopy)
    obj.reindexObject()


def apply_entry(obj, entry: dict) -> str:
    """Bring a copy in line with a feed entry; what happened, in one word.

    "unchanged" writes nothing; "updated" changed inherited or completed texts;
    "flagged" left an overridden section waiting for review; "withdrawn"
    marks a copy whose sheet left the library (the copy stays).
    """
    state = require_state(obj)
    if entry.get("withdrawn"):
        if state["withdrawn"]:
            return "unchanged"
        write_state(state, withdrawn=True)
        changed(obj)
        return "withdrawn"
    if not state["withdrawn"] and entry.get("version", 0) <= state["version"]:
        return "unchanged"
    master = entry_sections(entry)
    pending, flagged = review_overrides(obj, state, master)
    meta = entry_meta(entry)
    for name, attribute in META.items():
        # A value the editor changed is theirs; one still the library's follows it.
        if same_meta(getattr(obj, attribute, None), state["meta"].get(name)):
            setattr(obj, attribute, meta[name])
    write_state(
        state,
        master=master,
        pending=pending,
        meta=meta,
        withdrawn=False,
        version=entry.get("version", 0),
        uid=entry.get("uid", state["uid"]),
        url=entry.get("url", state["url"]),
    )
    for name in SECTIONS:
        if state["modes"].get(name, "inherit") != "override":
            set_text(obj, name, effective_text(state, name))
    changed(obj)
    return "flagged" if flagged else "updated"


def review_overrides(obj, state, master: dict) -> tuple[dict, bool]:
    """The pending texts once the library says ``master``; True if one is new."""
    pending = dict(state["pending"])
    flagged = False
    for name in SECTIONS:
        if master[name] == state["master"].get(name, ""):
            continue
        if state["modes"].get(name, "inherit") != "override":
            continue
        if same_html(master[name], text_of(obj, name)):
            pending.pop(name, None)
        else:
            pending[name] = master[name]
            flagged = True
    return pending, flagged


def copy_modified(obj, event) -> None:
    """An editor's change to a section makes it the copy's own text.

    A field that differs from its effective text becomes "override"; one
    equal to the library's text again inherits. In append mode, an edit that
    keeps the library's text first only changes the note.
    """
    state = copy_state(obj)
    if state is None:
        return
    modes = dict(state["modes"])
    notes = dict(state["notes"])
    pending = dict(state["pending"])
    for name in SECTIONS:
        current = text_of(obj, name)
        master = state["master"].get(name, "")
        mode = modes.get(name, "inherit")
        if mode != "override" and same_html(current, effective_text(state, name)):
            continue
        if same_html(current, master):
            modes[name] = "inherit"
            notes.pop(name, None)
            pending.pop(name, None)
        elif mode == "append" and current.startswith(master):
            notes[name] = current[len(master) :]
        elif mode != "override":
            modes[name] = "override"
            notes.pop(name, None)
    if (modes, notes, pending) != (
        dict(state["modes"]),
        dict(state["notes"]),
        dict(state["pending"]),
    ):
        write_state(state, modes=modes, notes=notes, pending=pending)
        obj.reindexObject(idxs=["library_review"])


def needs_review(obj) -> bool:
    """True when a section awaits review or the sheet left the library."""
    state = copy_state(obj)
    return bool(state and (state["pending"] or state["withdrawn"]))


def effective_text(state, section: str) -> str:
    """The text the section shows for inherit and append modes."""
    master = state["master"].get(section, "")
    if state["modes"].get(section) == "append":
        return master + state["notes"].get(section, "")
    return master


def entry_sections(entry: dict) -> dict:
    sections = entry.get("sections") or {}
    return {name: sections.get(name) or "" for name in SECTIONS}


def entry_meta(entry: dict) -> dict:
    meta = {name: entry.get(name) for name in META}
    meta["title"] = meta["title"] or entry["key"]
    meta["description"] = meta["description"] or ""
    for name in ("topics", "life_events", "audiences"):
        meta[name] = list(meta[name] or [])
    return meta


def same_meta(value, master) -> bool:
    if isinstance(master, list):
        return sorted(value or []) == sorted(master)
    return (value or "") == (master or "")


def text_of(obj, section: str) -> str:
    value = getattr(obj, section, None)
    return value.raw if value is not None else ""


def set_text(obj, section: str, html: str) -> None:
    """Store HTML as rich text; the safe_html transform cleans it on output."""
    if not html:
        setattr(obj, section, None)
        return
    if text_of(obj, section) == html:
        return
    setattr(obj, section, RichTextValue(html, "text/html", "text/x-html-safe"))


def squash(html: str) -> str:
    """HTML as a widget may write it back: entities, spaces and <br/> aside."""
    text = unescape(BETWEEN_TAGS.sub("><", html or "")).replace("\xa0", " ")
    return SPACES.sub(" ", SELF_CLOSING.sub(">", text)).strip()


def same_html(first: str, second: str) -> bool:
    """Equal texts, the spaces an editor's widget adds between tags aside."""
    return squash(first) == squash(second)


def without(mapping, key) -> dict:
    return {name: value for name, value in mapping.items() if name != key}


def write_state(state, **values) -> None:
    """Assign only what changed, so that an unchanged state is never written."""
    for key, value in values.items():
        if state.get(key) != value:
            state[key] = value


def require_state(obj):
    state = copy_state(obj)
    if state is None:
        raise ValueError(f"{obj.absolute_url()} n'est pas une copie de la bibliothèque")
    return state


def check_section(section: str) -> None:
    if section not in SECTIONS:
        raise ValueError(f"section inconnue : {section}")


def changed(obj) -> None:
    """Reindex and tell the other handlers (cache purge, modification date)."""
    obj.reindexObject()
    notify(ObjectModifiedEvent(obj))


def free_id(folder, key: str) -> str:
    """The sheet's key, or key-2, key-3… when a local procedure has it."""
    candidate, number = key, 1
    while candidate in folder.objectIds():
        number += 1
        candidate = f"{key}-{number}"
    return candidate


def publish(obj) -> None:
    """Published as the library's sheet is; a sheet missing sections stays private."""
    if api.content.get_state(obj, default=None) == "published":
        return
    try:
        api.content.transition(obj, to_state="published")
    except (WorkflowException, api.exc.InvalidParameterError):
        return
