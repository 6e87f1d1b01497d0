"""How many submissions one client address or one user may send per hour.

Counted in memory by each Zope process (see imio.eguichet.ratelimit): no
database write per submission. Behind N instances a client may send up to N
times the limit before every instance refuses it.
"""

from imio.eguichet import _
from imio.eguichet.ratelimit import AttemptLimiter
from plone import api


LIMIT_RECORD = "imio.eguichet.submissions_per_hour_per_ip"
PROXIES_RECORD = "imio.eguichet.trusted_proxies"
HOUR = 3600

SUBMISSIONS = AttemptLimiter(attempts=0, window=HOUR)

TOO_MANY_SUBMISSIONS = _(
    "Too many requests have been sent from your connection in the last hour. "
    "Please try again later."
)


def client_address(request) -> str:
    """The client's address; X-Forwarded-For only when a trusted proxy sent it."""
    remote = request.get("REMOTE_ADDR", "") or ""
    trusted = set(api.portal.get_registry_record(PROXIES_RECORD, default=()) or ())
    if remote not in trusted:
        return remote
    forwarded = request.get_header("X-Forwarded-For") or ""
    # The rightmost address not added by one of our proxies is the client's:
    # anything to its left was written by the client itself.
    for address in reversed([part.strip() for part in forwarded.split(",")]):
        if address and address not in trusted:
            return address
    return remote


def allow_submission(request) -> bool:
    """Count a submission of this client and user; False beyond the limit."""
    limit = api.portal.get_registry_record(LIMIT_RECORD, default=20) or 0
    if limit <= 0 or request is None:
        return True
    keys = [f"address:{client_address(request)}"]
    if not api.user.is_anonymous():
        keys.append(f"user:{api.user.get_current().getId()}")
    allowed = [SUBMISSIONS.allow(key, attempts=limit) for key in keys]
    return all(allowed)
