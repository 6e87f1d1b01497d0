"""SIGTERM stops an instance the way Ctrl-C does, a filter of its WSGI pipeline.

`systemctl stop`, a container stop and `make start`'s supervisor send SIGTERM
to runwsgi. Without a handler, Python ends at once: the database is never
closed, and a FileStorage rebuilds the part of its index that was not written
at the next start (slow for a large Data.fs).

instance/etc/zope.ini puts this filter in the pipeline: when runwsgi loads the
application (in its main thread, before waitress serves) it installs a SIGTERM
handler that raises SystemExit in the main thread. waitress then stops
accepting requests and waits at most 5 seconds for the requests being
answered; Zope's runwsgi closes every database it opened (a FileStorage writes
Data.fs.index) and the process ends with status 0. Further SIGTERMs during the
stop are ignored, so that a second signal cannot cut the database's close; what
does not end in time gets the service manager's SIGKILL.
"""

import logging
import signal
import threading


logger = logging.getLogger("imio.commune.stopping")


def stop_on_sigterm(signum, frame=None):
    """Stop serving: the main thread leaves waitress's loop, then Zope closes
    the databases."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logger.info("SIGTERM received: closing the database and stopping")
    raise SystemExit()


def install() -> bool:
    """Install the handler; only the main thread can (tests load the
    application elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    return True


def filter_factory(global_conf):
    """PasteDeploy filter: ``use = call:imio.commune.stopping:filter_factory``;
    the application is passed on unchanged."""

    def make(application):
        install()
        return application

    return make
