"""The agents' groups: one per communal service, processing its cases.

An e-guichet form names the group of its processing service; that group's
members get the case role on each case of the form, and the agents' role
site-wide, which opens the back office's dashboard to them. A library form
declares its service (``population-etat-civil``...); a commune whose groups
are named otherwise maps that service to one of its own in
``service_groups``.
"""

from imio.commune import _
from imio.eguichet.library import get_library_form
from imio.eguichet.library import SERVICES as LIBRARY_SERVICES
from plone import api
from zope.i18n import translate


AGENTS_PREFIX = "agents-"
AGENT_ROLE = "EguichetAgent"
SERVICE_TITLES = {
    "population-etat-civil": _("Population - Civil status"),
    "urbanisme": _("Town planning"),
    "environnement": _("Environment"),
    "travaux": _("Public works"),
    "finances": _("Finances"),
    "secretariat": _("Communal secretariat"),
}
DEFAULT_AGENT_GROUPS = [{"id": service_id} for service_id in SERVICE_TITLES]


def agents_group_id(service_id: str) -> str:
    """The Plone group of a service's agents."""
    return f"{AGENTS_PREFIX}{service_id}"


def service_title(service: dict, language: str) -> str:
    """The title an answer gives, or the known service's in the site language."""
    if service.get("title"):
        return service["title"]
    return translate(SERVICE_TITLES[service["id"]], target_language=language)


def agent_groups_problem(services: list[dict]) -> str | None:
    """Why these services cannot make groups, in French; None when they can."""
    seen = set()
    for service in services:
        service_id = service["id"]
        if service_id in seen:
            return f"le service « {service_id} » est présent deux fois."
        seen.add(service_id)
        if not service.get("title") and service_id not in SERVICE_TITLES:
            return f"le service « {service_id} » n'est pas connu : donnez son titre."
    return None


def apply_agent_groups(site, answers: dict, changes: list[str]) -> None:
    """Create the missing agents' groups, retitle the others; never delete one."""
    groups_tool = api.portal.get_tool("portal_groups")
    language = answers["default_language"]
    for service in answers.get("agent_groups", DEFAULT_AGENT_GROUPS):
        group_id = agents_group_id(service["id"])
        title = service_title(service, language)
        group = api.group.get(groupname=group_id)
        if group is None:
            api.group.create(groupname=group_id, title=title, roles=[AGENT_ROLE])
            changes.append(f"groupe {group_id}")
            continue
        if group.getProperty("title") != title:
            groups_tool.editGroup(group_id, title=title)
            changes.append(f"groupe {group_id}")
        if AGENT_ROLE not in group.getRoles():
            api.group.grant_roles(groupname=group_id, roles=[AGENT_ROLE])
            changes.append(f"groupe {group_id}")


def form_group_id(form_id: str, answers: dict) -> str:
    """The agents' group that processes the library form ``form_id``."""
    service = get_library_form(form_id).service
    return agents_group_id(answers.get("service_groups", {}).get(service, service))


def service_groups_problem(answers: dict) -> tuple[str, str] | None:
    """The answer and why, in French, when a library form has no group."""
    services = {service["id"] for service in answers["agent_groups"]}
    for service, own in answers.get("service_groups", {}).items():
        if service not in LIBRARY_SERVICES:
            known = ", ".join(LIBRARY_SERVICES)
            return (
                "service_groups",
                f"« {service} » n'est le service d'aucun formulaire "
                f"de la bibliothèque ({known}).",
            )
        if own not in services:
            return (
                "service_groups",
                f"« {own} » n'est pas un des services de agent_groups.",
            )
    for form_id in answers.get("eguichet_forms", []):
        group = form_group_id(form_id, answers).removeprefix(AGENTS_PREFIX)
        if group not in services:
            return (
                "eguichet_forms",
                f"le formulaire « {form_id} » est traité par le service "
                f"« {group} », absent de agent_groups : ajoutez-le à "
                "agent_groups ou associez-le à un de vos services dans "
                "service_groups.",
            )
    return None
