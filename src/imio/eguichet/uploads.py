"""Files sent by citizens: their type is read from their content."""

from imio.eguichet import _
from imio.eguichet.vocabularies import ATTACHMENT_TYPES
from zope.globalrequest import getRequest
from zope.i18n import translate
from Products.MimetypesRegistry.mime_types import magic

import io
import zipfile


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
DEFAULT_MAX_MB = 10


def content_type(data: bytes) -> str | None:
    """The type of a file from its first bytes, never from its name."""
    if not data.startswith(b"PK\x03\x04"):
        return magic.guessMime(data[:1024])
    # Office documents are zip archives: what they hold tells them apart.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype") == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except zipfile.BadZipFile:
        return None
    return None


def accepted(data: bytes, settings) -> bool:
    """Whether a form's settings (IEguichetForm, or None) accept this file."""
    return refusal(data, settings) is None


def refusal(data: bytes, settings):
    """Why a form's settings (IEguichetForm, or None) refuse this file, or None."""
    allowed = allowed_types(settings)
    max_mb = max_megabytes(settings)
    if len(data) > max_mb * 1024 * 1024:
        return _(
            "This file is too large: at most ${size} MB.", mapping={"size": max_mb}
        )
    if content_type(data) not in allowed:
        return _(
            "This type of file is not accepted (the type is read from the "
            "file's content, not its name). Accepted: ${types}.",
            mapping={"types": type_names(allowed)},
        )
    return None


def max_megabytes(settings) -> int:
    """The size a form's settings (IEguichetForm, or None) accept, in MB."""
    return getattr(settings, "max_attachment_mb", None) or DEFAULT_MAX_MB


def type_names(types) -> str:
    """The types' names, in the language of the current request."""
    request = getRequest()
    return ", ".join(
        translate(ATTACHMENT_TYPES[kind], context=request) for kind in types
    )


def allowed_types(settings) -> list[str]:
    """The file types a form accepts, in the order of the vocabulary."""
    chosen = set(getattr(settings, "allowed_attachment_types", None) or ())
    return [kind for kind in ATTACHMENT_TYPES if not chosen or kind in chosen]
