"""``make cluster``: a storage server, N instances, HAProxy and Varnish, in the
foreground.

SIGTERM, SIGINT (Ctrl-C) or SIGHUP, to the supervisor alone or to its process
group, at any moment, even while it starts, stops every process it started
within STOP_SECONDS.
"""

from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.processes import PROJECT
from imio.commune.cluster.processes import Stopping
from imio.commune.cluster.processes import SUPERVISION
from pathlib import Path

import os
import signal
import sys


def main() -> int:
    SUPERVISION.handle_signals()
    try:
        return supervise()
    except Stopping:
        return 0
    finally:
        SUPERVISION.finish()


def number(variable: str, default: int) -> int:
    """A whole number of seconds, instances or a port, from the environment."""
    value = os.environ.get(variable, "").strip() or str(default)
    if not value.isdigit():
        raise ValueError(
            f"{variable}={value} : un nombre entier est attendu "
            f"({variable}={default} par défaut)."
        )
    return int(value)


def cluster_settings() -> Cluster:
    """The cluster that the environment (make's variables) describes."""
    storage = os.environ.get("CLUSTER_STORAGE", "relstorage")
    if storage not in ("zeo", "relstorage"):
        raise ValueError(
            f"CLUSTER_STORAGE={storage} : CLUSTER_STORAGE=relstorage (par défaut) "
            "ou CLUSTER_STORAGE=zeo."
        )
    return Cluster(
        var=Path(os.environ.get("IMIO_VAR", PROJECT / "var")) / f"cluster-{storage}",
        storage=storage,
        instances=number("CLUSTER_INSTANCES", 2),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=number("PORT", 8080),
        pg_dsn=os.environ.get("CLUSTER_PG_DSN") or None,
        pg_port=number("CLUSTER_PG_PORT", 5433),
        zeo_port=number("CLUSTER_ZEO_PORT", 8100),
        grace=number("CLUSTER_GRACE", 3600),
    )


def supervise() -> int:
    try:
        cluster = cluster_settings()
    except ValueError as exc:
        print(f"Réglage refusé : {exc}", file=sys.stderr, flush=True)
        return 2
    print(
        f"Démarrage : {cluster.storage}, {cluster.count} instances, HAProxy, "
        f"Varnish (grâce {cluster.grace} s)…",
        flush=True,
    )
    try:
        cluster.start(PROJECT / "profiles" / "demo.yaml")
        print(f"\n  Site de démonstration : {cluster.url}/demo")
        print(f"  Connexion             : admin / {cluster.admin_password}")
        for index, port in enumerate(cluster.instance_ports):
            print(f"  instance{index + 1}             : http://127.0.0.1:{port}/demo")
        print("  Ctrl-C arrête tout.\n", flush=True)
        while True:
            signal.pause()
    except RuntimeError as exc:
        print(f"Échec du démarrage : {exc}", file=sys.stderr)
        return 1
    except Stopping:
        print("Arrêt…", flush=True)
    finally:
        # Signals from now on are ignored: nothing interrupts the stop.
        SUPERVISION.begin_stop()
        cluster.stop()
    print("Arrêté.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
