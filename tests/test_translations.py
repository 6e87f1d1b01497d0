"""Every message of our packages is translated in French and German."""

from pathlib import Path
from pythongettext.msgfmt import Msgfmt

import gettext
import re
import unittest


SRC = Path(__file__).resolve().parent.parent / "src" / "imio"
LANGUAGES = ("fr", "de")
MSGID = re.compile(r'^msgid "(.+)"$', re.MULTILINE)


def msgids(pot: Path) -> list[str]:
    """Message ids of a template, unescaped."""
    text = pot.read_text(encoding="utf-8")
    return [msgid.replace('\\"', '"') for msgid in MSGID.findall(text)]


def catalog(po: Path) -> dict:
    """Translations of a .po file, as gettext reads them once compiled."""
    compiled = Msgfmt(str(po)).getAsFile()
    return gettext.GNUTranslations(compiled)._catalog


class TestCatalogs(unittest.TestCase):
    def test_every_message_is_translated(self):
        pots = sorted(SRC.glob("*/locales/*.pot"))
        self.assertEqual(
            [pot.stem for pot in pots],
            ["imio.commune", "imio.eguichet", "imio.website"],
        )
        for pot in pots:
            expected = msgids(pot)
            self.assertTrue(expected, pot)
            for language in LANGUAGES:
                po = pot.parent / language / "LC_MESSAGES" / f"{pot.stem}.po"
                translations = catalog(po)
                missing = [msgid for msgid in expected if not translations.get(msgid)]
                with self.subTest(catalog=str(po.relative_to(SRC))):
                    self.assertEqual(missing, [])
