"""Opening the Zope application from a zope.conf, outside any web server."""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from pathlib import Path
from Testing.makerequest import makerequest
from zope.globalrequest import setRequest

import zc.lockfile
import ZConfig


class StorageUnavailable(Exception):
    """The database cannot be opened; the message says why in one line."""


def open_app(zope_conf: Path):
    """The application root, logged in as the system user."""
    from Zope2.Startup.run import make_wsgi_app

    import Zope2

    if not zope_conf.is_file():
        raise StorageUnavailable(f"Configuration Zope introuvable : {zope_conf}")
    try:
        make_wsgi_app({}, str(zope_conf))
    except ZConfig.ConfigurationError as exc:
        message = " ".join(str(exc).split())
        raise StorageUnavailable(
            f"Configuration Zope invalide ({zope_conf}) : {message} ; "
            "corrigez le fichier ou les variables IMIO_ qu'il lit."
        ) from exc
    except zc.lockfile.LockError as exc:
        raise StorageUnavailable(
            "La base de données est verrouillée par une instance en cours "
            "d'exécution : arrêtez-la d'abord ou passez par ZEO/RelStorage."
        ) from exc
    app = makerequest(Zope2.app())
    setRequest(app.REQUEST)
    newSecurityManager(None, system)
    return app


class LazyApp:
    """Opens the database at the first call only: profiles are checked before."""

    def __init__(self, zope_conf: Path):
        self.zope_conf = zope_conf
        self.app = None

    def __call__(self):
        if self.app is None:
            self.app = open_app(self.zope_conf)
        return self.app

    def close(self) -> None:
        if self.app is not None:
            self.app._p_jar.close()
            self.app = None
