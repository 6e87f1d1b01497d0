"""A real commune instance for acceptance tests: waitress over a FileStorage.

The layer does what `make start` does, in a throwaway data directory: it
creates the demo site with `imio-commune deploy profiles/demo.yaml`, then
serves the instance with `runwsgi` on a free port of 127.0.0.1.
"""

from pathlib import Path
from plone.testing import Layer

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PROFILE = ROOT / "profiles" / "demo.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def instance_environment(var: Path) -> dict:
    """Environment of instance/etc/zope.conf for a data directory."""
    for folder in ("filestorage", "blobstorage", "log", "cache"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "IMIO_HOME": str(ROOT),
        "IMIO_VAR": str(var),
        "IMIO_STORAGE": "filestorage",
        "zope_i18n_compile_mo_files": "true",
    }


def imio_commune(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run the fleet command line and capture what it prints."""
    return subprocess.run(
        [str(BIN / "imio-commune"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Wait until the URL answers 200, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the instance stopped with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} seconds")


class DemoInstanceLayer(Layer):
    """The demo commune created by its profile and served by a real instance."""

    def setUp(self):
        var = Path(tempfile.mkdtemp(prefix="imio-var-"))
        env = instance_environment(var)
        deployed = imio_commune(env, "--json", "deploy", str(DEMO_PROFILE))
        if deployed.returncode:
            shutil.rmtree(var)
            raise RuntimeError(f"deploy failed: {deployed.stderr}")
        port = free_port()
        process = subprocess.Popen(
            [
                str(BIN / "runwsgi"),
                str(ROOT / "instance" / "etc" / "zope.ini"),
                "http_host=127.0.0.1",
                f"http_port={port}",
                f"logdir={var / 'log'}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self["var"] = var
        self["env"] = env
        self["process"] = process
        self["deploy_output"] = deployed.stdout
        # Plone leaves 127.0.0.1 unthemed by default; citizens see a host name.
        self["site_url"] = f"http://localhost:{port}/demo"
        try:
            wait_for(self["site_url"], process)
        except RuntimeError:
            self.tearDown()
            raise

    def tearDown(self):
        process = self["process"]
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(self["var"], ignore_errors=True)
        for key in ("var", "env", "process", "deploy_output", "site_url"):
            del self[key]


DEMO_INSTANCE = DemoInstanceLayer(name="DemoInstance")


class BrowserLayer(Layer):
    """Debian's Chromium driven by Playwright, on top of the demo instance."""

    defaultBases = (DEMO_INSTANCE,)

    def setUp(self):
        from playwright.sync_api import sync_playwright

        self["playwright"] = sync_playwright().start()
        self["browser"] = self["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def tearDown(self):
        self["browser"].close()
        self["playwright"].stop()
        del self["browser"]
        del self["playwright"]


DEMO_BROWSER = BrowserLayer(name="DemoBrowser")
