"""The README and the lock files stay true to the code: every setting is documented, every
dependency pinned, and the pins are what gets installed."""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from forum import config

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def test_every_setting_is_in_the_readme_with_its_environment_name():
    settings = [name for name in vars(config.Config) if name.isupper()]
    assert settings
    assert [name for name in settings if f"`FLASK_{name}`" not in README] == []


def pinned(lock: str) -> dict[str, str]:
    """The versions a lock file pins, by normalised package name."""
    pins = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if "==" in line and not line.startswith(("#", " ")):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("base.txt", ["postgres", "redis", "sentry"]), ("dev.txt", ["dev", "postgres", "redis"])],
)
def test_the_lock_files_pin_what_pyproject_asks_for(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        requirement for extra in extras for requirement in project["optional-dependencies"][extra]
    ]
    pins = pinned(lock)
    assert [text for text in wanted if not allowed(Requirement(text), pins)] == [], "make lock"


def allowed(requirement: Requirement, pins: dict[str, str]) -> bool:
    version = pins.get(canonicalize_name(requirement.name))
    return version is not None and requirement.specifier.contains(version, prereleases=True)


def test_the_development_lock_agrees_with_the_production_one():
    base, dev = pinned("base.txt"), pinned("dev.txt")
    assert {name: version for name, version in base.items() if dev.get(name) != version} == {}


def test_installs_and_the_production_steps_use_the_lock_files():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements/dev.txt" in makefile
    assert "pip install --quiet -r requirements/base.txt" in makefile
    assert "pip install -r requirements/base.txt" in README
    assert "gunicorn -c gunicorn.conf.py 'forum:create_app()'" in README
