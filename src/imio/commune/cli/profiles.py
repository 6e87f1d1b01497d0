"""Reading and validating commune profiles (answers files)."""

from dataclasses import dataclass
from imio.commune.answers import AnswersError
from imio.commune.answers import complete_answers
from imio.commune.library.subscription import check_subscription
from imio.commune.library.subscription import SubscriptionError
from imio.commune.logo import LogoError
from imio.commune.logo import read_logo
from functools import cache
from pathlib import Path

import json
import jsonschema
import yaml


class ProfileError(Exception):
    """A profile that cannot be used, with the reason in one line."""


@dataclass(frozen=True)
class Profile:
    """The answers of one commune site, read from its file."""

    path: Path
    answers: dict

    @property
    def site_id(self) -> str:
        return self.answers["site_id"]


SCHEMA_PATH = Path(__file__).parent.parent / "distributions" / "commune" / "schema.json"


@cache
def answers_schema() -> dict:
    """JSON schema of the answers of the ``commune`` distribution."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["schema"]


def check_library(path: Path, answers: dict) -> None:
    """A commune's subscription, said in French before the schema's messages."""
    if "library" in answers and answers.get("kind") != "library":
        try:
            check_subscription(answers["library"])
        except SubscriptionError as exc:
            raise ProfileError(f"{path}: champ {exc.field}: {exc}") from exc


def load_profile(path: Path) -> Profile:
    """Read a YAML profile and validate it against the distribution's schema."""
    try:
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: lecture impossible ({exc.strerror}).") from exc
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: YAML invalide ({exc}).") from exc
    if not isinstance(answers, dict):
        raise ProfileError(f"{path}: le profil doit être un dictionnaire de réponses.")
    check_library(path, answers)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft7Validator(answers_schema()).iter_errors(answers)
    )
    if error is not None:
        field = ".".join(str(part) for part in error.absolute_path) or "(racine)"
        raise ProfileError(f"{path}: champ {field}: {error.message}")
    if answers.get("site_logo"):
        try:
            answers["site_logo"] = read_logo(answers["site_logo"], path.parent)
        except LogoError as exc:
            raise ProfileError(f"{path}: champ site_logo: {exc}") from exc
    try:
        answers = complete_answers(answers)
    except AnswersError as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    if answers["site_id"] != path.stem:
        raise ProfileError(
            f"{path}: champ site_id: {answers['site_id']!r} doit être le nom du "
            f"fichier ({path.stem!r})."
        )
    return Profile(path=path, answers=answers)
