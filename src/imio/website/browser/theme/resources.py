"""Visitors' pages load Plone's scripts only when the page uses a pattern.

And then without holding back the first paint: the bundle runs once the page
is parsed (defer), as its patterns wait for the page anyway.
"""

from AccessControl import getSecurityManager
from imio.website.browser.theme.transform import PageTransform
from plone.protect.authenticator import isAnonymousUser

import re


# Plone's scripts: its patterns and Bootstrap's components.
PATTERNS_BUNDLE = "plone"
# The editors' full-screen mode of the rich text editor, script and style.
EDITORS_BUNDLE = "plone-fullscreen"
# What Plone's bundle brings to life: a pattern (class="pat-...") or a
# Bootstrap component (data-bs-toggle, data-bs-dismiss...). The body's own
# data-pat-* attributes only configure patterns.
USES_SCRIPTS = re.compile(rb"""class=["'][^"']*\bpat-[a-z]|\sdata-bs-[a-z]+=""")
BODY_START = re.compile(rb"<body\b[^>]*>")
# An inline script of the page that calls Plone's bundle as soon as it is
# read (jQuery, require, bootstrap): the bundle must run before it.
INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S)
CALLS_THE_BUNDLE = re.compile(rb"jQuery|\$\(|\brequire\(|\bbootstrap\.")


def _tags(bundle: str, styles: bool) -> re.Pattern:
    """A bundle's script tag (and style sheet tag), as Plone writes them."""
    attribute = rb'\sdata-bundle="' + re.escape(bundle.encode()) + rb'"'
    tags = rb"<script\b[^>]*" + attribute + rb"[^>]*>\s*</script>"
    if styles:
        tags += rb"|<link\b[^>]*" + attribute + rb"[^>]*>"
    return re.compile(rb"(?:" + tags + rb")[ \t]*\n?")


PATTERNS_TAGS = _tags(PATTERNS_BUNDLE, styles=False)
EDITORS_TAGS = _tags(EDITORS_BUNDLE, styles=True)


def _deferred(tag: re.Match) -> bytes:
    script = tag.group(0)
    if re.search(rb"\s(?:defer|async)[\s=>]", script.split(b">", 1)[0] + b">"):
        return script
    return b"<script defer" + script[len(b"<script") :]


def calls_the_bundle(body: bytes) -> bool:
    """Whether an inline script of the page needs Plone's bundle already run."""
    return any(
        CALLS_THE_BUNDLE.search(script.group(1))
        for script in INLINE_SCRIPT.finditer(body)
    )


def without_unused_bundles(page: bytes) -> bytes | None:
    """The page without the bundles a visitor does not use, or None if unchanged."""
    body = BODY_START.search(page)
    if body is None:
        return None
    head, rest = page[: body.end()], page[body.end() :]
    head = EDITORS_TAGS.sub(b"", head)
    if not USES_SCRIPTS.search(rest):
        head = PATTERNS_TAGS.sub(b"", head)
    elif not calls_the_bundle(page):
        head = PATTERNS_TAGS.sub(_deferred, head)
    if head == page[: body.end()]:
        return None
    return head + rest


class VisitorBundles(PageTransform):
    """Leave Plone's scripts out of a visitor's page that uses none of them.

    On a phone, Plone's bundle (patterns, Bootstrap's scripts, some 100 kB
    compressed) delays the first paint of pages that only show text, links
    and a search field; on pages with patterns (forms) it is deferred.
    Signed-in users keep every bundle as it is: the toolbar and the editing
    forms need them.
    """

    order = 9100

    def transformIterable(self, result, encoding):
        if not isinstance(result, list):
            return None
        content_type = self.request.response.getHeader("Content-Type") or ""
        if not content_type.startswith("text/html"):
            return None
        if not isAnonymousUser(getSecurityManager().getUser()):
            return None
        page = b"".join(
            part if isinstance(part, bytes) else part.encode(encoding or "utf-8")
            for part in result
        )
        lighter = without_unused_bundles(page)
        if lighter is None:
            return None
        return [lighter]
