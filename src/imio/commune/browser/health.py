"""Health check of an instance for load balancers and monitoring."""

from Products.Five.browser import BrowserView

import logging


logger = logging.getLogger(__name__)


def database_reachable(db) -> bool:
    """Open a fresh connection, which makes the storage talk to its server."""
    is_connected = getattr(db.storage, "is_connected", None)
    if is_connected is not None and not is_connected():
        return False
    with db.transaction() as connection:
        connection.root()
    return True


class HealthView(BrowserView):
    """``/@@health``: 200 when the database answers, 503 otherwise."""

    def __call__(self):
        response = self.request.response
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        response.setHeader("Cache-Control", "no-store")
        try:
            healthy = database_reachable(self.context._p_jar.db())
        except Exception:
            # The reason goes to the log, never to the caller.
            logger.exception("Health check failed")
            healthy = False
        if not healthy:
            response.setStatus(503)
            return "unavailable\n"
        return "ok\n"
