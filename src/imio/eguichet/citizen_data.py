"""A citizen's own data: their cases as a ZIP to take away (GDPR article 20).

For each case, ``<reference>/demande.json`` (the answers, the public history,
the messages) and ``<reference>/fichiers/`` (what was sent, the messages'
files, the decision letters); a ``LISEZMOI.txt`` explains the whole. Never
the agents' side: no internal notes, no assignee, no agent's name.
"""

from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet.cases import site_now
from imio.eguichet.display import format_date
from imio.eguichet.retention import closed_on
from imio.eguichet.retention import is_anonymised
from imio.eguichet.workflow import WORKFLOW_ID
from plone import api
from plone.namedfile.interfaces import INamed
from zope.i18n import translate
from zope.i18nmessageid import Message

import io
import json
import re
import shutil
import unicodedata
import zipfile


DATA_FILE = "demande.json"
FILES_FOLDER = "fichiers"
README = "LISEZMOI.txt"
# Control characters and the separators of Windows, macOS and Unix paths.
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_NAME = 120
CHUNK = 1 << 20

# The paragraphs of LISEZMOI.txt, in the citizen's language.
README_PARAGRAPHS = (
    _("Your data: the requests you sent to ${site}, as kept on ${date}."),
    _(
        "Each folder is named after the reference of one request. "
        "demande.json holds the request in JSON, a format any computer reads: "
        "its reference, the form, the dates it was sent and closed, its status, "
        "your answers with their questions, the steps of its processing with the "
        "comments sent to you, the messages exchanged with the service, and "
        "whether it was anonymised. The folder fichiers holds the files you sent, "
        "the files of the messages and the decision letters."
    ),
    _(
        "An anonymised request was erased at the end of its retention period: "
        "it keeps its reference, form, dates and statuses, not your answers "
        "nor your files."
    ),
)


def safe_name(name: str) -> str:
    """A file name that stays inside its folder when the ZIP is opened.

    Accents and spaces are kept; separators, control characters and a
    leading dot (``..``, hidden files) are not.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_NAME - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and keep > 0 else name[:MAX_NAME]
    return name or "fichier"


def unique_name(name: str, taken: set) -> str:
    """``photo.jpg``, then ``photo (2).jpg``: two files never overwrite."""
    candidate, number = name, 1
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}){'.' if extension else ''}{extension}"
    taken.add(candidate.lower())
    return candidate


def iso(value) -> str | None:
    """A date of the case as ISO 8601 with its offset, or None."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    return DateTime(value).asdatetime().isoformat()


def state_title(state: str, language: str) -> str:
    workflow = api.portal.get_tool("portal_workflow")
    title = workflow.getTitleForStateOnType(state, "Case")
    return translate(title, domain="plone", target_language=language)


def history(case, language: str) -> list[dict]:
    """The steps the applicant reads on the follow-up page, oldest first."""
    return [
        {
            "state": entry["review_state"],
            "title": state_title(entry["review_state"], language),
            "date": iso(entry["time"]),
            "comment": entry.get("comments") or "",
        }
        for entry in case.workflow_history.get(WORKFLOW_ID, ())
    ]


def case_files(case) -> list[tuple[str, object]]:
    """(key, file) of what the case holds: attachments, then the letters."""
    files = list((case.attachments or {}).items())
    letters = list(getattr(case, "letters", None) or ())
    letter = getattr(case, "letter", None)
    if letter is not None and all(letter is not kept for kept in letters):
        letters.append(letter)
    files.extend((f"letter-{number}", file) for number, file in enumerate(letters, 1))
    return [(key, file) for key, file in files if INamed.providedBy(file)]


def case_document(case, paths: dict, language: str) -> dict:
    """What ``demande.json`` says of a case; ``paths`` maps files to the ZIP."""
    state = api.content.get_state(case)
    labels = case.labels or {}
    values = [
        {
            "field": name,
            "label": labels.get(name, name),
            "value": value,
            **({"file": paths[name]} if name in paths else {}),
        }
        for name, value in (case.values or {}).items()
    ]
    messages = [
        {
            "date": message.get("date"),
            "sender": "applicant" if message.get("from_applicant") else "service",
            "text": message.get("text") or "",
            "files": [
                paths.get(f"message-{number}-{index}", name)
                for index, name in enumerate(message.get("files") or (), 1)
            ],
        }
        for number, message in enumerate(case.messages or (), 1)
    ]
    anonymised = is_anonymised(case)
    return {
        "reference": case.formatted_reference(),
        "form": case.form_title,
        "submitted": iso(case.created()),
        "closed": iso(closed_on(case)),
        "state": {"id": state, "title": state_title(state, language)},
        "anonymised": anonymised,
        "anonymised_on": iso(getattr(case, "anonymised_on", None))
        if anonymised
        else None,
        "values": values,
        "history": history(case, language),
        "messages": messages,
        "letters": [path for key, path in paths.items() if key.startswith("letter-")],
    }


def case_entries(case, language: str) -> list[tuple[str, object]]:
    """(path inside the ZIP, bytes or a file of the case) of one case."""
    folder = case.formatted_reference()
    taken, paths, files = set(), {}, []
    for key, file in case_files(case):
        name = unique_name(safe_name(file.filename or key), taken)
        paths[key] = f"{folder}/{FILES_FOLDER}/{name}"
        files.append((paths[key], file))
    document = case_document(case, paths, language)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return [(f"{folder}/{DATA_FILE}", text.encode("utf-8")), *files]


def case_archive_entries(case, language: str | None = None) -> list[tuple[str, bytes]]:
    """(path inside the ZIP, bytes) of one case: its JSON, then its files."""
    return [
        (path, content if isinstance(content, bytes) else content.data)
        for path, content in case_entries(case, language or default_language())
    ]


def readme(language: str) -> bytes:
    mapping = {
        "site": api.portal.get().Title(),
        "date": format_date(site_now().date(), language),
    }
    paragraphs = [
        translate(Message(text, mapping=mapping), target_language=language)
        for text in README_PARAGRAPHS
    ]
    return ("\n\n".join(paragraphs) + "\n").replace("\n", "\r\n").encode("utf-8")


def citizen_zip(cases, language: str | None = None) -> bytes:
    """The ZIP of these cases, with its ``LISEZMOI.txt``."""
    output = io.BytesIO()
    write_citizen_zip(output, cases, language)
    return output.getvalue()


def write_citizen_zip(output, cases, language: str | None = None):
    """Write the ZIP of these cases to ``output``, a file open for writing.

    The files are copied from their blobs piece by piece: a citizen's photos
    never sit whole in the instance's memory.
    """
    language = language or default_language()
    moment = site_now().timetuple()[:6]
    with zipfile.ZipFile(output, "w") as archive:
        write(archive, README, readme(language), moment)
        for case in cases:
            for path, content in case_entries(case, language):
                write(archive, path, content, moment)


def write(archive, path: str, content, moment):
    entry = zipfile.ZipInfo(path, date_time=moment)
    if isinstance(content, bytes):
        entry.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(entry, content)
        return
    # Photos and PDFs are compressed already: stored as they are, quicker.
    entry.compress_type = zipfile.ZIP_STORED
    large = content.getSize() >= zipfile.ZIP64_LIMIT
    with archive.open(entry, "w", force_zip64=large) as target:
        if hasattr(content, "open"):
            with content.open() as source:
                shutil.copyfileobj(source, target, CHUNK)
        else:
            target.write(content.data)


def default_language() -> str:
    language = api.portal.get_current_language() or "fr"
    return language.split("-")[0]


def archive_name() -> str:
    return f"mes-donnees-{site_now().date().isoformat()}.zip"
