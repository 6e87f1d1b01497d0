"""The fleet command line on ten real Walloon communes, on a real FileStorage."""

from imio.belgium import walloon_communes
from pathlib import Path
from plone.testing import Layer
from tests.instance import imio_commune
from tests.instance import ROOT
from imio.commune.cluster.cluster import instance_environment

import json
import re
import shutil
import tempfile
import unittest


EUPEN = "63023"


def fleet_refnis() -> list[str]:
    """Nine communes spread over the region, and Eupen for German."""
    spread = [commune.refnis for commune in walloon_communes()[::29]][:9]
    return [*spread, EUPEN]


class FleetLayer(Layer):
    """An empty FileStorage and ten profiles written by `new-profile`."""

    def setUp(self):
        var = Path(tempfile.mkdtemp(prefix="imio-fleet-"))
        env = instance_environment(var)
        profiles = []
        for refnis in fleet_refnis():
            printed = imio_commune(env, "new-profile", "--nis", refnis)
            if printed.returncode:
                raise RuntimeError(printed.stderr)
            site_id = printed.stdout.split("site_id: ", 1)[1].split()[0]
            profile = var / f"{site_id}.yaml"
            profile.write_text(printed.stdout, encoding="utf-8")
            profiles.append(str(profile))
        self["var"], self["env"], self["profiles"] = var, env, profiles

    def tearDown(self):
        shutil.rmtree(self["var"])
        del self["var"], self["env"], self["profiles"]


FLEET = FleetLayer(name="Fleet")


def profile_version(package: str) -> str:
    """The version of a package's profile, as its metadata.xml says."""
    metadata = ROOT / "src" / "imio" / package / "profiles" / "default" / "metadata.xml"
    return re.search(r"<version>(\w+)</version>", metadata.read_text()).group(1)


class TestFleet(unittest.TestCase):
    layer = FLEET

    def setUp(self):
        self.var = self.layer["var"]
        self.env = self.layer["env"]
        self.profiles = self.layer["profiles"]

    def run_json(self, *args: str) -> list[dict]:
        result = imio_commune(self.env, "--json", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_deploy_redeploy_upgrade_list_report(self):
        created = self.run_json("deploy", *self.profiles)
        self.assertEqual([row["résultat"] for row in created], ["créé"] * 10)

        again = self.run_json("deploy", *self.profiles)
        self.assertEqual([row["résultat"] for row in again], ["inchangé"] * 10)
        self.assertLess(max(row["secondes"] for row in again), 0.5)

        upgraded = self.run_json("upgrade")
        self.assertEqual({row["résultat"] for row in upgraded}, {"à jour"})

        listed = {row["site"]: row for row in self.run_json("list")}
        self.assertEqual(len(listed), 10)
        self.assertEqual(listed["eupen"]["titre"], "Gemeinde Eupen")
        self.assertEqual(listed["eupen"]["langues"], ["de", "fr"])
        self.assertEqual(listed["eupen"]["commune"], f"Eupen ({EUPEN})")
        self.assertEqual(
            listed["eupen"]["versions"]["imio.commune"], profile_version("commune")
        )
        self.assertFalse(
            any(row["mises à niveau en attente"] for row in listed.values())
        )

        report = {row["site"]: row for row in self.run_json("report")}
        self.assertEqual(report["eupen"]["demandes"], 0)
        self.assertEqual(report["eupen"]["contenus"]["Folder"], 8)
        self.assertEqual(report["eupen"]["contenus"]["Service"], 1)

    def test_one_invalid_profile_stops_all_before_any_write(self):
        broken = self.var / "broken.yaml"
        broken.write_text("site_id: broken\ntitle: Nulle part\nrefnis: '99999'\n")
        result = imio_commune(self.env, "deploy", self.profiles[0], str(broken))
        self.assertEqual(result.returncode, 2)
        self.assertIn("broken.yaml: champ refnis", result.stderr)
        self.assertIn("aucun site modifié", result.stderr)

    def test_a_site_id_zope_keeps_for_itself_is_refused_or_avoided(self):
        printed = imio_commune(self.env, "new-profile", "--nis", "55086")
        self.assertIn("site_id: commune-manage\n", printed.stdout)
        self.assertIn("title: Commune de Manage\n", printed.stdout)
        profile = self.var / "manage.yaml"
        profile.write_text(
            "site_id: manage\ntitle: Commune de Manage\nrefnis: '55086'\n"
        )
        result = imio_commune(self.env, "--json", "deploy", str(profile))
        self.assertEqual(result.returncode, 1)
        [row] = json.loads(result.stdout)
        self.assertIn("réservé par Zope", row["résultat"])

    def test_new_profile_refuses_an_unknown_code(self):
        result = imio_commune(self.env, "new-profile", "--nis", "12")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Code INS refusé", result.stderr)
