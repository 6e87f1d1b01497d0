"""The library's change log: which sheet changed, in what order.

Each change of a sheet (edited, published, unpublished, moved, deleted) takes
the next sequence number; the log keeps only the latest one per language and
key, so that a page of the feed names each sheet once. What the sheet is now
(published or withdrawn) is read from the catalog when the feed is asked: the
log itself holds keys, never content, and stays when a sheet is deleted.
"""

from BTrees.IOBTree import IOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from zope.annotation.interfaces import IAnnotations


LOG_KEY = "imio.commune.library.changes"


class ChangeLog(Persistent):
    """Sequence numbers of the sheets' latest changes, by language."""

    def __init__(self):
        self.last = 0
        # language -> IOBTree(sequence -> key)
        self.sequences = OOBTree()
        # (language, key) -> sequence
        self.latest = OOBTree()

    def knows(self, language: str, key: str) -> bool:
        return (language, key) in self.latest

    def record(self, language: str, key: str) -> int:
        """A new change of the sheet; its sequence number."""
        self.last += 1
        sequences = self.sequences.get(language)
        if sequences is None:
            sequences = self.sequences[language] = IOBTree()
        previous = self.latest.get((language, key))
        if previous is not None:
            del sequences[previous]
        sequences[self.last] = key
        self.latest[(language, key)] = self.last
        return self.last

    def last_of(self, language: str) -> int:
        """The sequence of the language's latest change, 0 when none."""
        sequences = self.sequences.get(language)
        return sequences.maxKey() if sequences else 0

    def since(self, language: str, sequence: int):
        """(sequence, key) of the changes after ``sequence``, oldest first."""
        sequences = self.sequences.get(language)
        if not sequences:
            return iter(())
        return iter(sequences.items(min=sequence, excludemin=True))


def change_log(site, create: bool = False) -> ChangeLog | None:
    annotations = IAnnotations(site)
    log = annotations.get(LOG_KEY)
    if log is None and create:
        log = annotations[LOG_KEY] = ChangeLog()
    return log
