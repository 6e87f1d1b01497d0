"""``make cluster``: a storage server, N instances and HAProxy, in the foreground."""

from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import os
import signal
import sys


def main() -> int:
    storage = os.environ.get("CLUSTER_STORAGE", "relstorage")
    cluster = Cluster(
        var=Path(os.environ.get("IMIO_VAR", PROJECT / "var")) / f"cluster-{storage}",
        storage=storage,
        instances=int(os.environ.get("CLUSTER_INSTANCES", "2")),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8080")),
        pg_dsn=os.environ.get("CLUSTER_PG_DSN") or None,
        pg_port=int(os.environ.get("CLUSTER_PG_PORT", "5433")),
        zeo_port=int(os.environ.get("CLUSTER_ZEO_PORT", "8100")),
    )
    print(f"Démarrage : {storage}, {cluster.count} instances, HAProxy…", flush=True)
    try:
        cluster.start(PROJECT / "profiles" / "demo.yaml")
    except RuntimeError as exc:
        print(f"Échec du démarrage : {exc}", file=sys.stderr)
        return 1
    print(f"\n  Site de démonstration : {cluster.url}/demo")
    print(f"  Connexion             : admin / {cluster.admin_password}")
    for index, port in enumerate(cluster.instance_ports):
        print(f"  instance{index + 1}             : http://127.0.0.1:{port}/demo")
    print("  Ctrl-C arrête tout.\n", flush=True)
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
