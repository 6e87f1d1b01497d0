"""HAProxy in front of the instances, with a health check on each."""

from imio.commune.cluster.processes import ManagedProcess
from pathlib import Path

import os
import shutil


TEMPLATE = """\
global
    maxconn 2048

defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    timeout queue 60s
    retries 3
    option redispatch
    option httplog
    # The instances read the citizen's address (submission limits) here.
    option forwardfor

frontend www
    bind {host}:{port}
    default_backend instances

backend instances
    balance leastconn
    option httpchk GET /@@health
    http-check expect status 200
    default-server inter 1s fall 2 rise 2 maxconn 4
{servers}
"""


def haproxy_config(host: str, port: int, instances: list[tuple[str, int]]) -> str:
    """HAProxy configuration balancing over the (name, port) instances."""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{instance_port} check"
        for name, instance_port in instances
    )
    return TEMPLATE.format(host=host, port=port, servers=servers)


class LoadBalancer:
    """Debian's HAProxy, in the foreground, stopped with its process."""

    def __init__(self, workdir: Path, host: str, port: int, instances, log: Path):
        self.config = workdir / "haproxy.cfg"
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(haproxy_config(host, port, instances))
        self.process = ManagedProcess(
            "haproxy",
            [haproxy_binary(), "-db", "-f", str(self.config)],
            dict(os.environ),
            log,
        )

    def start(self) -> "LoadBalancer":
        self.process.start()
        return self

    def stop(self) -> None:
        self.process.stop()


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(found).exists():
        raise RuntimeError("HAProxy n'est pas installé (paquet Debian haproxy).")
    return found
