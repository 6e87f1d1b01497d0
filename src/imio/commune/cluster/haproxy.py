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
    # Varnish's probe, answered here at once, even when every instance is
    # busy and requests queue: it fails only when no instance is up.
    monitor-uri {health}
    monitor fail if {{ nbsrv(instances) lt 1 }}
    default_backend instances

backend instances
    balance leastconn
    option httpchk GET /@@health
    http-check expect status 200
    # An instance's check waits behind its 4 busy threads in a storm: a
    # busy instance is not a failing one. A stopped one is refused at once.
    timeout check 10s
    default-server inter 1s fall 3 rise 2 maxconn 4
{servers}
"""


# What HAProxy answers itself for Varnish's probe (see TEMPLATE).
BALANCER_HEALTH = "/haproxy-health"


def haproxy_config(host: str, port: int, instances: list[tuple[str, int]]) -> str:
    """HAProxy configuration balancing over the (name, port) instances."""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{instance_port} check"
        for name, instance_port in instances
    )
    return TEMPLATE.format(
        host=host, port=port, servers=servers, health=BALANCER_HEALTH
    )


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
