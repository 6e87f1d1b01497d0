"""The balancer's health, as Varnish probes it, while the instances are busy.

During a storm every thread of every instance answers citizens, and HAProxy
queues the rest (4 at a time per instance). A probe that goes through that
queue times out, Varnish then takes the whole site for down and answers
"503 Backend fetch failed" to everyone. HAProxy answers Varnish's probe
itself, from the state of its instances.
"""

from contextlib import suppress
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.commune.cluster.haproxy import BALANCER_HEALTH
from imio.commune.cluster.haproxy import LoadBalancer
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from pathlib import Path
from tests.test_caching_proxy import poll
from urllib.request import urlopen

import shutil
import tempfile
import threading
import unittest


class BusyInstance(BaseHTTPRequestHandler):
    """An instance whose pages wait for `release`; its health answers at once."""

    release = threading.Event()
    arrived = threading.Semaphore(0)

    def do_GET(self):
        if self.path != "/@@health":
            self.arrived.release()
            self.release.wait(timeout=60)
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def handle(self):
        # HAProxy closes its checks' connections as it likes.
        with suppress(ConnectionError):
            super().handle()

    def log_message(self, *args):
        pass


class TestBalancerHealth(unittest.TestCase):
    def setUp(self):
        BusyInstance.release.clear()
        BusyInstance.arrived = threading.Semaphore(0)
        self.instance = ThreadingHTTPServer(("127.0.0.1", 0), BusyInstance)
        threading.Thread(target=self.instance.serve_forever, daemon=True).start()
        self.addCleanup(self.instance.server_close)
        self.addCleanup(self.instance.shutdown)
        self.addCleanup(BusyInstance.release.set)
        workdir = Path(tempfile.mkdtemp(prefix="imio-haproxy-"))
        self.addCleanup(shutil.rmtree, workdir, ignore_errors=True)
        self.port = free_port()
        self.balancer = LoadBalancer(
            workdir,
            "127.0.0.1",
            self.port,
            [("instance1", self.instance.server_address[1])],
            workdir / "haproxy.log",
        ).start()
        self.addCleanup(self.balancer.stop)
        self.health = f"http://127.0.0.1:{self.port}{BALANCER_HEALTH}"
        self.balancer.process.wait_until(
            lambda: http_status(self.health, timeout=2) == 200, timeout=30
        )

    def busy_page(self) -> None:
        with urlopen(f"http://127.0.0.1:{self.port}/demo", timeout=60) as page:
            page.read()

    def test_probe_answers_while_every_thread_is_busy(self):
        pages = [threading.Thread(target=self.busy_page) for _ in range(4)]
        for page in pages:
            page.start()
        for _ in pages:
            self.assertTrue(BusyInstance.arrived.acquire(timeout=30))
        # Four pages at the instance, as many as it takes at a time: a request
        # to the instance now waits in HAProxy's queue; the probe does not.
        self.assertEqual(http_status(self.health, timeout=2), 200)
        BusyInstance.release.set()
        for page in pages:
            page.join()

    def test_probe_fails_when_no_instance_answers(self):
        self.instance.shutdown()
        self.instance.server_close()
        down, took = poll(lambda: http_status(self.health, timeout=2) == 503, 30)
        self.assertTrue(down, f"{took:.1f} s")
