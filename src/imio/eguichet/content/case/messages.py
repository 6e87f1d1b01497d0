"""Messages exchanged between the service and the applicant of a case."""

from imio.eguichet.cases import site_now
from plone.namedfile.file import NamedBlobFile


def add_message(case, text: str, from_applicant: bool, files=()):
    """Append a message, its files kept with the case's attachments.

    ``files`` are (filename, content type, data) triples. The lists and
    dicts are replaced, not changed in place, so that the case is saved.
    """
    number = len(case.messages or ()) + 1
    attachments = dict(case.attachments or {})
    labels = dict(case.labels or {})
    names = []
    for index, (filename, mimetype, data) in enumerate(files, start=1):
        key = f"message-{number}-{index}"
        attachments[key] = NamedBlobFile(
            data=data, filename=filename, contentType=mimetype
        )
        labels[key] = filename
        names.append(filename)
    case.attachments = attachments
    case.labels = labels
    case.messages = [
        *(case.messages or ()),
        {
            "date": site_now().isoformat(),
            "from_applicant": from_applicant,
            "text": text,
            "files": names,
        },
    ]
