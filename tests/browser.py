"""What every browser test needs: a page that records errors, axe, screenshots.

Screenshots always go to ``var/screenshots``; with ``IMIO_SCREENSHOTS=docs``
(``make screenshots``) they also refresh the images that the guides show, in
``docs/_static/screenshots``; the others stay out of the docs.
"""

from axe_playwright_python.sync_playwright import Axe
from pathlib import Path

import functools
import os
import shutil


ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "_static" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Every shift of the page's layout since it started loading, as Chrome counts
# them for the cumulative layout shift (shifts right after an input aside).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  const add = entries => {
    for (const entry of entries) {
      if (!entry.hadRecentInput) total += entry.value;
    }
  };
  const observer = new PerformanceObserver(list => add(list.getEntries()));
  observer.observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => {
    add(observer.takeRecords());
    observer.disconnect();
    resolve(total);
  }));
})"""


class RecordedPage:
    """A Playwright page that remembers console errors and uncaught exceptions."""

    def __init__(self, browser, viewport=DESKTOP, javascript=True):
        self.context = browser.new_context(
            viewport=viewport, locale="fr-BE", java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(message.text)

    def close(self):
        self.context.close()


def accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, readable."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}) on {page.url}: "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@functools.cache
def shown_in_the_docs() -> str:
    """Every page of the docs, as one text: the images they show are named there."""
    return "\n".join(path.read_text() for path in (ROOT / "docs").rglob("*.md"))


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save what the user sees as ``<name>.png`` for the guides."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if (
        os.environ.get("IMIO_SCREENSHOTS") == "docs"
        and f"screenshots/{path.name}" in shown_in_the_docs()
    ):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    return path
