"""``make start``: the demo instance and the development OpenID provider.

Both run in the foreground of the terminal: the instance prints its output as
``runwsgi`` does, the provider writes to ``var/log/oidc-provider.log``. They
share the demo's client secret (``var/oidc-demo-secret``). Ctrl-C, SIGTERM or
SIGHUP, to this supervisor alone or to its process group, at any moment, stop
both within STOP_SECONDS; when one of them ends by itself, the other is
stopped too.

An empty ``OIDC_PORT`` starts the instance alone: the second instance of a
scale-out on ZEO or RelStorage, whose first ``make start`` runs the provider.
A port already taken is refused before anything starts, in one French line.
"""

from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import port_open
from imio.commune.cluster.processes import PROJECT
from imio.commune.cluster.processes import Stopping
from imio.commune.cluster.processes import SUPERVISION
from imio.commune.demo import identity
from imio.commune.demo.region_sync import start_demo_syncs
from pathlib import Path

import os
import shutil
import sys
import time


PROVIDER_SECONDS = 30


def provider_process(var: Path, port: int, oidc_port: int) -> ManagedProcess:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(
            "Node.js est introuvable : installez le paquet Debian nodejs, "
            "puis relancez make start."
        )
    command = identity.provider_command(oidc_port)
    return ManagedProcess(
        "oidc-provider",
        [node, *command[1:]],
        {**os.environ, **identity.provider_environment(var, port)},
        var / "log" / "oidc-provider.log",
        cwd=PROJECT,
    )


def instance_process(var: Path, host: str, port: int) -> ManagedProcess:
    return ManagedProcess(
        "instance",
        [
            str(BIN / "runwsgi"),
            str(PROJECT / "instance" / "etc" / "zope.ini"),
            f"http_host={host}",
            f"http_port={port}",
            f"logdir={var / 'log'}",
        ],
        {**os.environ, **identity.instance_environment(var)},
        None,
    )


def answering(instance: ManagedProcess, url: str):
    """A wait for the instance to serve ``url``: False if it stops first."""

    def wait(timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while instance.running() and time.monotonic() < deadline:
            if http_status(url) == 200:
                return True
            time.sleep(1)
        return False

    return wait


def wait_for_an_end(*processes: ManagedProcess) -> ManagedProcess:
    """Wait until one of the processes ends (a stop signal interrupts)."""
    while True:
        ended = [process for process in processes if not process.running()]
        if ended:
            return ended[0]
        # Waits for any child to end, without collecting it: poll() does.
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)


def check_ports(host: str, port: int, oidc_port: int | None) -> None:
    """Refuse, before anything starts, ports that are taken or the same."""
    if port == oidc_port:
        raise RuntimeError(
            f"PORT et OIDC_PORT valent tous deux {port} : "
            "PORT=un autre port pour l'instance."
        )
    if port_open("127.0.0.1" if host == "0.0.0.0" else host, port):  # noqa: S104
        raise RuntimeError(
            f"le port {port} est déjà pris : PORT=un autre port pour l'instance."
        )
    if oidc_port is not None and port_open("127.0.0.1", oidc_port):
        raise RuntimeError(
            f"le port {oidc_port} du fournisseur d'identité est déjà pris "
            "(par un autre make start ?) : OIDC_PORT= démarre l'instance sans "
            "fournisseur, OIDC_PORT=un autre port en démarre un autre."
        )


def supervise() -> int:
    var = Path(os.environ.get("IMIO_VAR", PROJECT / "var"))
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8080"))
    oidc = os.environ.get("OIDC_PORT", str(identity.OIDC_PORT)).strip()
    oidc_port = int(oidc) if oidc else None
    (var / "log").mkdir(parents=True, exist_ok=True)
    try:
        check_ports(host, port, oidc_port)
        provider = provider_process(var, port, oidc_port) if oidc_port else None
    except RuntimeError as exc:
        print(f"Échec du démarrage : {exc}", file=sys.stderr, flush=True)
        return 1
    instance = instance_process(var, host, port)
    try:
        if provider:
            provider.start()
            discovery = f"http://127.0.0.1:{oidc_port}/.well-known/openid-configuration"
            provider.wait_until(
                lambda: http_status(discovery) == 200,
                timeout=PROVIDER_SECONDS,
                what="answering",
            )
            print(
                f"  Fournisseur d'identité : http://127.0.0.1:{oidc_port}"
                " (citoyens de test : dev/oidc-provider/citizens.json)\n",
                flush=True,
            )
        else:
            print(
                "  Fournisseur d'identité : aucun (OIDC_PORT vide) ; les citoyens se"
                " connectent à celui d'un autre make start\n",
                flush=True,
            )
        instance.start()
        local = "127.0.0.1" if host == "0.0.0.0" else host  # noqa: S104
        demo = f"http://{local}:{port}/demo"
        user = os.environ.get("ADMIN_USER", "admin")
        start_demo_syncs(f"http://{local}:{port}", var, user, answering(instance, demo))
        ended = wait_for_an_end(*filter(None, (provider, instance)))
        if ended is provider:
            print(
                "Le fournisseur d'identité s'est arrêté : voir "
                f"{provider.log}. L'instance est arrêtée aussi.",
                file=sys.stderr,
                flush=True,
            )
            return 1
        return ended.process.returncode
    except RuntimeError as exc:
        print(f"Échec du démarrage : {exc}", file=sys.stderr, flush=True)
        return 1
    except Stopping:
        return 0
    finally:
        # Signals from now on are ignored: nothing interrupts the stop.
        SUPERVISION.begin_stop()
        instance.stop()
        if provider:
            provider.stop()


def main() -> int:
    SUPERVISION.handle_signals()
    try:
        return supervise()
    except Stopping:
        return 0
    finally:
        SUPERVISION.finish()


if __name__ == "__main__":
    sys.exit(main())
