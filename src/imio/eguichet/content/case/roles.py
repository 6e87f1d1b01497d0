"""Who processes a case: the agents of its service."""

from imio.eguichet.content.case.content import AGENT_ROLE


def grant_service(case, event=None):
    """Give the case's service, and only it, the agent role on the case."""
    for principal, roles in case.get_local_roles():
        if AGENT_ROLE in roles and principal != case.service:
            remaining = [role for role in roles if role != AGENT_ROLE]
            case.manage_delLocalRoles([principal])
            if remaining:
                case.manage_setLocalRoles(principal, remaining)
    if case.service:
        roles = set(case.get_local_roles_for_userid(case.service))
        case.manage_setLocalRoles(case.service, sorted(roles | {AGENT_ROLE}))
    case.reindexObjectSecurity()
