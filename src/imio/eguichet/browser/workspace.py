"""What the agents' pages share: their layout, styles, badges, month names.

The site's main template reads ``page_layout`` to show the workspace's own
navigation (portal_actions category ``imio_workspace``) instead of the public
site's, and the title viewlet reads ``page_title``.
"""

from plone import api
from Products.CMFPlone.resources import add_bundle_on_request
from zope.i18n import translate
from zope.i18n.locales import locales


WORKSPACE_BUNDLE = "imio-workspace"


class TranslatingPage:
    """Mixin of pages that translate in the site's current language."""

    def language(self) -> str:
        return api.portal.get_current_language(context=self.context) or "fr"

    def translate(self, message) -> str:
        return translate(
            message,
            domain="imio.eguichet",
            context=self.request,
            target_language=self.language(),
        )


class WorkspacePage(TranslatingPage):
    """Mixin of the agents' pages: the workspace layout and its styles."""

    page_layout = "workspace"

    def use_workspace_styles(self):
        add_bundle_on_request(self.request, WORKSPACE_BUNDLE)


def badge_class(state: str) -> str:
    """Bootstrap's badge in the colour of a state; its text says the state."""
    return f"badge case-badge case-badge-{state}"


def _months(language: str, abbreviated: bool = False) -> list[str]:
    try:
        locale = locales.getLocale((language or "fr").split("-")[0], None, None)
    except Exception:
        locale = locales.getLocale("fr", None, None)
    calendar = locale.dates.calendars["gregorian"]
    return calendar.getMonthAbbreviations() if abbreviated else calendar.getMonthNames()


def month_title(month: str, language: str) -> str:
    """``2026-01`` as ``janvier 2026`` (``Januar 2026``)."""
    year, number = month.split("-")
    return f"{_months(language)[int(number) - 1]} {year}"


def month_abbreviation(month: str, language: str) -> str:
    """``2026-01`` as ``janv.`` (``Jan``), for a chart's narrow columns."""
    return _months(language, abbreviated=True)[int(month.split("-")[1]) - 1]
