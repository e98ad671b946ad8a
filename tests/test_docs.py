"""The README stays true to the code: every setting is documented."""

from pathlib import Path

import config

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_readme_with_its_environment_name():
    settings = [name for name in vars(config.Config) if name.isupper()]
    assert settings
    assert [name for name in settings if f"`FLASK_{name}`" not in README] == []
