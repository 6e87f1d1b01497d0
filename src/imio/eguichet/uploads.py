"""Files sent by citizens: their type is read from their content."""

from imio.eguichet import _
from imio.eguichet.vocabularies import ATTACHMENT_TYPES
from zope.globalrequest import getRequest
from zope.i18n import translate
from Products.MimetypesRegistry.mime_types import magic

import io
import zipfile
import zlib


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ODT_TYPE = ODT.encode()
DEFAULT_MAX_MB = 10
# The size of a member of an archive that is read to tell its type.
MEMBER_LIMIT = 1024
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def content_type(data: bytes) -> str | None:
    """The type of a file from its first bytes, never from its name."""
    if not data.startswith(b"PK\x03\x04"):
        return magic.guessMime(data[:1024])
    # Office documents are zip archives: what they hold tells them apart.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and read_member(archive, "mimetype") == ODT_TYPE:
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return None
    except (NotImplementedError, RuntimeError, ValueError, zlib.error):
        # Compressed in a way, or encrypted, that no office suite writes.
        return None
    return None


def read_member(archive, name: str, limit: int = MEMBER_LIMIT) -> bytes | None:
    """A small member of a zip archive, or None if it is not small.

    The size the archive declares is checked first, then the member is read
    up to ``limit``: a member that swells when decompressed (a "zip bomb")
    is never decompressed beyond that. Only methods whose decompression the
    zipfile module bounds are read: bzip2 and lzma decompress a whole chunk
    at once, whatever it swells to.
    """
    info = archive.getinfo(name)
    if info.file_size > limit or info.compress_type not in READABLE_METHODS:
        return None
    with archive.open(info) as member:
        content = member.read(limit + 1)
    return content if len(content) <= limit else None


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
