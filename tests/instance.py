"""A real commune instance for acceptance tests: waitress over a FileStorage.

The layer does what `make start` does, in a throwaway data directory: it
creates the demo site with `imio-commune deploy profiles/demo.yaml`, then
serves the instance with `runwsgi` on a free port of 127.0.0.1.
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from pathlib import Path
from plone.testing import Layer

import shutil
import subprocess
import sys
import tempfile


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


def imio_commune(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run the fleet command line and capture what it prints."""
    return subprocess.run(
        [str(BIN / "imio-commune"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


class DemoInstanceLayer(Layer):
    """The demo commune created by its profile and served by a real instance."""

    def setUp(self):
        var = Path(tempfile.mkdtemp(prefix="imio-var-"))
        env = instance_environment(var)
        deployed = imio_commune(env, "--json", "deploy", str(DEMO_PROFILE))
        if deployed.returncode:
            shutil.rmtree(var)
            raise RuntimeError(f"deploy failed: {deployed.stderr}")
        # Known before prepare(): an identity provider needs the site's address.
        port = self.port = free_port()
        self.prepare(var, env)
        process = ManagedProcess(
            "demo instance",
            [
                str(BIN / "runwsgi"),
                str(ROOT / "instance" / "etc" / "zope.ini"),
                "http_host=127.0.0.1",
                f"http_port={port}",
                f"logdir={var / 'log'}",
            ],
            env,
            var / "log" / "console.log",
        ).start()
        self["var"] = var
        self["env"] = env
        self["process"] = process
        self["deploy_output"] = deployed.stdout
        # Plone leaves 127.0.0.1 unthemed by default; citizens see a host name.
        self["site_url"] = f"http://localhost:{port}/demo"
        try:
            process.wait_until(lambda: http_status(self["site_url"]) == 200)
        except RuntimeError:
            self.tearDown()
            raise

    def prepare(self, var: Path, env: dict):
        """Change the deployed site before the instance serves it."""

    def tearDown(self):
        self["process"].stop()
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
