"""Shared helpers of the imio.website tests."""

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.textfield.value import RichTextValue

import re
import requests


AUTHENTICATOR = re.compile(r"_authenticator=([0-9a-f]+)")


def html(text: str) -> RichTextValue:
    return RichTextValue(text, "text/html", "text/x-html-safe")


def browser(language: str = "fr", manager: bool = False) -> requests.Session:
    """A HTTP session reading pages in `language`, as anonymous or site owner."""
    session = requests.Session()
    session.headers["Accept-Language"] = language
    if manager:
        session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    return session


def authenticator(page: str) -> str:
    """The CSRF token of a form page."""
    found = AUTHENTICATOR.search(page)
    if found is None:
        raise AssertionError(f"No CSRF token in this page: {page[:2000]}")
    return found.group(1)


def read_in(language: str, request) -> None:
    """Translate for `language`, as if the browser asked for it."""
    request.environ["HTTP_ACCEPT_LANGUAGE"] = language
    request["LANGUAGE"] = language


def fresh(fields: dict) -> dict:
    """Copies of rich text values: an object stored in one test database cannot
    be stored in another."""
    return {name: html(value.raw) for name, value in fields.items()}
