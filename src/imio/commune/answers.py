"""The answers of a commune profile: completed, checked, then applied to a site.

Applying is idempotent: each step compares before it writes, and says what it
changed, so that a second deploy of an unchanged profile changes nothing.
"""

from imio.belgium import get_commune
from imio.belgium import InvalidInput
from imio.belgium import validate_postal_code
from imio.commune import _
from imio.commune.demo.builder import apply_demo_content
from imio.commune.groups import agent_groups_problem
from imio.commune.groups import apply_agent_groups
from imio.commune.groups import DEFAULT_AGENT_GROUPS
from imio.commune.groups import form_group_id
from imio.commune.groups import service_groups_problem
from imio.commune.identity import apply_identity
from imio.commune.identity import identity_problem
from imio.commune.library.sheets import LANGUAGES as LIBRARY_LANGUAGES
from imio.commune.library.site import apply_library
from imio.commune.library.subscription import check_subscription
from imio.commune.library.subscription import SubscriptionError
from imio.commune.logo import decode_logo
from imio.commune.logo import LogoError
from imio.commune.logo import registry_value
from imio.commune.logo import same_logo
from imio.commune.mail import apply_mail_queue
from imio.commune.portlets import remove_root_portlets
from imio.commune.purge import apply_caching
from imio.commune.region.changes import seed_changes
from imio.commune.region.site import apply_region
from imio.commune.region.subscription import check_region
from imio.eguichet.content.case.roles import grant_service
from imio.eguichet.library import FORM_IDS
from imio.eguichet.library import install_form
from imio.website.browser.branding import contrast_with_white
from imio.website.browser.branding import MINIMUM_CONTRAST
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate

import re


ANSWERS_KEY = "imio.commune.answers"
DEFAULTS = {
    "description": "",
    "default_language": "fr",
    "other_languages": [],
    "portal_timezone": "Europe/Brussels",
    "sections": [
        "ma-commune",
        "vie-politique",
        "services",
        "demarches",
        "actualites",
        "agenda",
        "e-guichet",
        "contact",
    ],
    "setup_content": False,
    "agent_groups": DEFAULT_AGENT_GROUPS,
    "service_groups": {},
    "demo_content": False,
    "eguichet_forms": [],
    "social_links": [],
    "caching_proxies": [],
    "caching_proxy_seconds": 60,
    "kind": "commune",
    "library_content": False,
}
# A library holds sheets in language folders, none of a commune's rooms.
LIBRARY_DEFAULTS = {
    "sections": [],
    "agent_groups": [],
}
# The contact section shows the administration and every service.
SECTION_LAYOUTS = {"contact": "commune-contact"}
SECTION_TITLES = {
    "ma-commune": _("My commune"),
    "vie-politique": _("Political life"),
    "services": _("Services"),
    "demarches": _("Procedures"),
    "actualites": _("News"),
    "agenda": _("Events"),
    "e-guichet": _("E-guichet"),
    "contact": _("Contact"),
}
LEGAL_PAGES = {
    "accessibilite": _("Accessibility statement"),
    "vie-privee": _("Privacy and data protection"),
    "cookies": _("Cookies"),
    "mentions-legales": _("Legal notice"),
}
EDITORS_GROUP = "editeurs"
EDITOR_ROLES = ["Contributor", "Editor", "Reviewer"]


class AnswersError(ValueError):
    """Answers that cannot make a site: the field and the reason, in French."""

    def __init__(self, field: str, message: str):
        super().__init__(f"champ {field}: {message}")
        self.field = field


def check_branding(answers: dict) -> None:
    """The colour reads under white text; the logo is a usable SVG or PNG."""
    colour = answers.get("main_colour")
    if colour and contrast_with_white(colour) < MINIMUM_CONTRAST:
        raise AnswersError(
            "main_colour",
            f"{colour} est trop clair : le texte blanc n'y atteint que "
            f"{contrast_with_white(colour):.1f}:1, il faut au moins 4,5:1.",
        )
    if answers.get("site_logo"):
        try:
            decode_logo(answers["site_logo"])
        except LogoError as exc:
            raise AnswersError("site_logo", str(exc)) from exc


def complete_library_answers(answers: dict) -> dict:
    """A library: no commune, no communal sections, its sheets in each language."""
    answers = {**DEFAULTS, **LIBRARY_DEFAULTS, **answers}
    if "refnis" in answers:
        raise AnswersError(
            "refnis", "une bibliothèque n'appartient à aucune commune, retirez-le."
        )
    check_branding(answers)
    if answers["default_language"] in answers["other_languages"]:
        raise AnswersError("other_languages", "contient déjà la langue principale.")
    languages = [answers["default_language"], *answers["other_languages"]]
    if not set(languages) <= set(LIBRARY_LANGUAGES):
        raise AnswersError(
            "other_languages", "une bibliothèque est en français et en allemand."
        )
    if "library" in answers:
        raise AnswersError(
            "library", "une bibliothèque ne s'abonne pas à une autre bibliothèque."
        )
    if answers["sections"] or answers["eguichet_forms"] or answers["demo_content"]:
        raise AnswersError(
            "sections",
            "une bibliothèque n'a ni rubriques, ni formulaires, ni contenu de "
            "démonstration : seulement ses fiches.",
        )
    problem = identity_problem(answers)
    if problem:
        raise AnswersError(*problem)
    return answers


REGION_DEFAULTS = {
    "sections": [],
    "agent_groups": [],
    "horizon_days": 365,
    "timeout": 10,
}
REGION_KEYS = ("sources", "horizon_days", "timeout")


def complete_region_answers(answers: dict) -> dict:
    """A regional agenda: no commune, no sections; the communes it gathers."""
    answers = {**DEFAULTS, **REGION_DEFAULTS, **answers}
    if "refnis" in answers:
        raise AnswersError(
            "refnis", "l'agenda régional n'appartient à aucune commune, retirez-le."
        )
    check_branding(answers)
    if answers["default_language"] in answers["other_languages"]:
        raise AnswersError("other_languages", "contient déjà la langue principale.")
    for key in ("library", "region"):
        if key in answers:
            raise AnswersError(key, "réservé au profil d'une commune.")
    if answers["sections"] or answers["eguichet_forms"] or answers["demo_content"]:
        raise AnswersError(
            "sections",
            "l'agenda régional n'a ni rubriques, ni formulaires, ni contenu de "
            "démonstration : il rassemble ceux des communes.",
        )
    answers["sources"] = region_sources(answers.get("sources"))
    check_region_numbers(answers)
    return answers


def region_sources(sources) -> list[str]:
    """The communes' addresses, without a final slash, each once."""
    if not isinstance(sources, list) or not sources:
        raise AnswersError(
            "sources",
            "donnez l'adresse du site d'au moins une commune (http ou https).",
        )
    for source in sources:
        if not isinstance(source, str) or not re.fullmatch(r"https?://\S+", source):
            raise AnswersError(
                "sources",
                f"« {str(source)[:60]} » n'est pas une adresse http ou https.",
            )
    cleaned = [source.rstrip("/") for source in sources]
    if len(set(cleaned)) != len(cleaned):
        raise AnswersError("sources", "une commune y figure deux fois.")
    return cleaned


def check_region_numbers(answers: dict) -> None:
    horizon, timeout = answers["horizon_days"], answers["timeout"]
    if type(horizon) is not int or not 1 <= horizon <= 730:
        raise AnswersError("horizon_days", "un nombre de jours de 1 à 730.")
    if type(timeout) not in (int, float) or not 0 < timeout <= 120:
        raise AnswersError("timeout", "un nombre de secondes de plus de 0 à 120.")


def refuse_region_keys(answers: dict) -> None:
    """A commune's profile has none of the regional agenda's keys."""
    for key in REGION_KEYS:
        if key in answers:
            raise AnswersError(key, "réservé à l'agenda régional (kind: region).")


def check_postal_code(answers: dict, commune) -> None:
    """The contact's postal code, when given, is one of the commune's."""
    postal_code = answers.get("contact", {}).get("postal_code")
    if not postal_code:
        return
    try:
        validate_postal_code(postal_code)
    except InvalidInput as exc:
        raise AnswersError("contact.postal_code", str(exc)) from exc
    if postal_code not in commune.postal_codes:
        raise AnswersError(
            "contact.postal_code",
            f"{postal_code} n'est pas un code postal de {commune.name_fr}.",
        )


def complete_answers(answers: dict) -> dict:
    """Fill the defaults and check what the schema cannot: commune, colour, codes."""
    kinds = {"library": complete_library_answers, "region": complete_region_answers}
    if answers.get("kind") in kinds:
        return kinds[answers["kind"]](answers)
    refuse_region_keys(answers)
    answers = {**DEFAULTS, **answers}
    if answers["library_content"]:
        raise AnswersError(
            "library_content", "réservé à une bibliothèque (kind: library)."
        )
    try:
        commune = get_commune(answers["refnis"])
    except InvalidInput as exc:
        raise AnswersError("refnis", str(exc)) from exc
    check_branding(answers)
    check_postal_code(answers, commune)
    if answers["default_language"] in answers["other_languages"]:
        raise AnswersError("other_languages", "contient déjà la langue principale.")
    if answers["eguichet_forms"] and "e-guichet" not in answers["sections"]:
        raise AnswersError(
            "eguichet_forms", "demande la rubrique e-guichet dans sections."
        )
    problem = agent_groups_problem(answers["agent_groups"])
    if problem:
        raise AnswersError("agent_groups", problem)
    problem = service_groups_problem(answers)
    if problem:
        raise AnswersError(*problem)
    problem = identity_problem(answers)
    if problem:
        raise AnswersError(*problem)
    return complete_subscription(answers)


def complete_subscription(answers: dict) -> dict:
    """A commune subscribed to the library: its ``library`` key checked."""
    if "library" in answers:
        try:
            answers["library"] = check_subscription(answers["library"])
        except SubscriptionError as exc:
            raise AnswersError(exc.field, str(exc)) from exc
    if "region" in answers:
        try:
            answers["region"] = check_region(answers["region"])
        except SubscriptionError as exc:
            raise AnswersError(exc.field, str(exc)) from exc
    return answers


def stored_answers(site) -> dict | None:
    """The answers the site was last deployed with."""
    return IAnnotations(site).get(ANSWERS_KEY)


def _set_record(name: str, value, changes: list[str]) -> None:
    if api.portal.get_registry_record(name) != value:
        api.portal.set_registry_record(name, value)
        changes.append(name)


def apply_registry(answers: dict, changes: list[str]) -> None:
    languages = [answers["default_language"], *answers["other_languages"]]
    _set_record("plone.site_title", answers["title"], changes)
    _set_record("plone.default_language", answers["default_language"], changes)
    _set_record("plone.available_languages", languages, changes)
    _set_record("plone.portal_timezone", answers["portal_timezone"], changes)
    _set_record("plone.available_timezones", [answers["portal_timezone"]], changes)
    _set_record("imio.commune.main_colour", answers.get("main_colour"), changes)
    _set_record("imio.commune.social_links", answers.get("social_links", []), changes)
    logo = answers.get("site_logo")
    if logo and not same_logo(logo, api.portal.get_registry_record("plone.site_logo")):
        api.portal.set_registry_record("plone.site_logo", registry_value(logo))
        changes.append("plone.site_logo")
    if answers.get("mail_sender"):
        _set_record("plone.email_from_address", answers["mail_sender"], changes)
        _set_record("plone.email_from_name", answers["title"], changes)


def apply_site_properties(site, answers: dict, changes: list[str]) -> None:
    if site.title != answers["title"]:
        site.title = answers["title"]
        changes.append("title")
    if site.description != answers["description"]:
        site.description = answers["description"]
        changes.append("description")
    if site.Language() != answers["default_language"]:
        site.setLanguage(answers["default_language"])
        changes.append("language")


def _ensure_published_item(container, item_id, portal_type, title, changes) -> object:
    item = container.get(item_id)
    if item is None:
        item = api.content.create(
            container=container, type=portal_type, id=item_id, title=title
        )
        changes.append(f"/{item_id}")
    if api.content.get_state(item, default=None) not in ("published", None):
        api.content.transition(item, to_state="published")
    return item


def apply_site_tree(site, answers: dict, changes: list[str]) -> None:
    """Create the missing sections and legal pages; never delete content."""
    language = answers["default_language"]
    for section in answers["sections"]:
        title = translate(SECTION_TITLES[section], target_language=language)
        _ensure_published_item(site, section, "Folder", title, changes)
    apply_section_layouts(site, changes)
    apply_legal_pages(site, language, changes)


def apply_legal_pages(site, language: str, changes: list[str]) -> None:
    """The legal pages, published, out of the main navigation (in the footer)."""
    for page, message in LEGAL_PAGES.items():
        title = translate(message, target_language=language)
        item = _ensure_published_item(site, page, "Document", title, changes)
        if not item.exclude_from_nav:
            item.exclude_from_nav = True
            item.reindexObject()
            changes.append(f"/{page}: hors navigation")


def apply_section_layouts(site, changes: list[str]) -> None:
    """Sections with a page of their own, unless an editor chose another view."""
    for section, layout in SECTION_LAYOUTS.items():
        folder = site.get(section)
        if folder is not None and not folder.__dict__.get("layout"):
            folder.setLayout(layout)
            changes.append(f"/{section}: {layout}")


def apply_groups(site, changes: list[str]) -> None:
    if api.group.get(groupname=EDITORS_GROUP) is None:
        api.group.create(
            groupname=EDITORS_GROUP,
            title=translate(_("Editors"), target_language=site.Language()),
            roles=EDITOR_ROLES,
        )
        changes.append(f"groupe {EDITORS_GROUP}")


def apply_administration(site, answers: dict, changes: list[str]) -> None:
    """The administration's Service, with its contact and opening hours."""
    if "services" not in answers["sections"] or not answers.get("contact"):
        return
    contact = answers["contact"]
    title = translate(
        _("Communal administration"), target_language=answers["default_language"]
    )
    service = _ensure_published_item(
        site["services"], "administration", "Service", title, changes
    )
    wanted = {
        "street": contact.get("street"),
        "postal_code": contact.get("postal_code"),
        "city": contact.get("city"),
        "phones": [contact["phone"]] if contact.get("phone") else [],
        "emails": [contact["email"]] if contact.get("email") else [],
        **{
            day: hours or None
            for day, hours in answers.get("opening_hours", {}).items()
        },
    }
    updated = False
    for field, value in wanted.items():
        if getattr(service, field, None) != value:
            setattr(service, field, value)
            updated = True
    if updated:
        service.reindexObject()
        changes.append("/services/administration")


def apply_eguichet_forms(site, answers: dict, changes: list[str]) -> None:
    """Install the library's forms; a form already there stays as edited."""
    section = site.get("e-guichet")
    for form_id in answers.get("eguichet_forms", []):
        if form_id not in section.objectIds():
            install_form(section, form_id, form_group_id(form_id, answers))
            changes.append(f"/e-guichet/{form_id}")
    route_library_forms(site, answers, changes)


def route_library_forms(site, answers: dict, changes: list[str]) -> None:
    """Give a library form without a processing service its group, and its cases.

    A service an editor chose stays; cases already routed stay with theirs.
    """
    section = site.get("e-guichet")
    for form_id in FORM_IDS:
        form = section.get(form_id) if section is not None else None
        if form is None or getattr(form.aq_base, "processing_service", None):
            continue
        group_id = form_group_id(form_id, {**DEFAULTS, **answers})
        form.processing_service = group_id
        changes.append(f"/e-guichet/{form_id}: {group_id}")
        routed = route_cases(form, group_id)
        if routed:
            changes.append(f"/e-guichet/{form_id}: {routed} demandes")


def route_cases(form, group_id: str) -> int:
    """Give the cases of ``form`` without a service to ``group_id``; how many."""
    catalog = api.portal.get_tool("portal_catalog")
    routed = 0
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Case", case_form=api.content.get_uuid(form)
    ):
        case = brain._unrestrictedGetObject()
        if case.service:
            continue
        case.service = group_id
        grant_service(case)
        case.reindexObject(idxs=["case_service"])
        routed += 1
    return routed


def apply_answers(site, answers: dict) -> list[str]:
    """Bring the site in line with its answers; what changed."""
    changes: list[str] = []
    # The policy is applied by the operator's tools, whoever runs them.
    with api.env.adopt_roles(["Manager"]):
        apply_site_properties(site, answers, changes)
        apply_registry(answers, changes)
        apply_identity(answers, changes)
        apply_caching(answers, changes)
        apply_mail_queue(site, changes)
        apply_site_tree(site, answers, changes)
        remove_root_portlets(site, changes)
        apply_groups(site, changes)
        apply_agent_groups(site, answers, changes)
        apply_administration(site, answers, changes)
        apply_eguichet_forms(site, answers, changes)
        # Last, so that procedures find the e-guichet forms installed before.
        if answers["demo_content"]:
            apply_demo_content(site, answers, changes)
        if answers["kind"] == "library":
            apply_library(site, answers, changes)
        if answers["kind"] == "region":
            apply_region(site, changes)
        if answers.get("region"):
            # Events and news of a site older than the region's change log.
            seed_changes(site, changes)
    annotations = IAnnotations(site)
    if annotations.get(ANSWERS_KEY) != answers:
        annotations[ANSWERS_KEY] = dict(answers)
    return changes
