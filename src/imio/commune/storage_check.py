"""Before `make start` (or `make demo`) opens the database: on ZEO, does the
server answer?

Without it, the first command that opens the database (``addzopeuser``,
``imio-commune deploy``) waits 30 seconds for the server, then ends in a
traceback. This check connects to ``IMIO_ZEO_ADDRESS`` for at most
CONNECT_SECONDS and, when nothing answers, prints one French line with the
scale-out guide's command that starts the server, and exits with status 1.
Other storages are not checked here.
"""

import os
import socket
import sys


CONNECT_SECONDS = 5
DEFAULT_ADDRESS = "127.0.0.1:8100"


def zeo_answers(address: str, timeout: float = CONNECT_SECONDS) -> bool:
    """A ZEO server accepts connections at host:port (or a Unix socket path)."""
    if ":" not in address:
        family, target = socket.AF_UNIX, address
    else:
        host, _, port = address.rpartition(":")
        try:
            target = (host.strip("[]"), int(port))
        except ValueError:
            return False
        family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        try:
            connection.connect(target)
        except OSError:
            return False
    return True


def zeo_down_message(address: str) -> str:
    return (
        f"Le serveur ZEO {address} (IMIO_ZEO_ADDRESS) ne répond pas : "
        "démarrez-le dans un autre terminal avec "
        f"« IMIO_HOME=$PWD IMIO_VAR=$PWD/var IMIO_ZEO_ADDRESS={address} "
        ".venv/bin/runzeo -C instance/etc/zeo.conf » (voir "
        "docs/operators/scale-out.md), puis relancez make start."
    )


def main() -> int:
    if os.environ.get("IMIO_STORAGE", "filestorage") != "zeo":
        return 0
    address = os.environ.get("IMIO_ZEO_ADDRESS", DEFAULT_ADDRESS).strip()
    if zeo_answers(address):
        return 0
    print(zeo_down_message(address), file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
