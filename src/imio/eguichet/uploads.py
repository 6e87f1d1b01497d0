"""Files sent by citizens: their type is read from their content."""

from imio.eguichet.vocabularies import ATTACHMENT_TYPES
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
    allowed = set(getattr(settings, "allowed_attachment_types", None) or ())
    max_mb = getattr(settings, "max_attachment_mb", None) or DEFAULT_MAX_MB
    if len(data) > max_mb * 1024 * 1024:
        return False
    return content_type(data) in (allowed or set(ATTACHMENT_TYPES))
