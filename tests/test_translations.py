"""Every UI string has a Danish translation, and the compiled catalogues match their sources."""

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "forum" / "translations"
KEYWORDS = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [
    ("forum/**.py", "python"),
    ("forum/templates/**.html", "jinja2"),
    ("forum/templates/**.txt", "jinja2"),
]


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, options_map={"forum/templates/**.html": {}}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_is_in_the_danish_catalogue():
    danish = catalogue("da")
    assert {"Page not found", "Your contribution", "Log in"} <= source_messages()
    missing = sorted(m for m in source_messages() if m and m not in danish)
    assert not missing, "run `make messages` and translate: " + repr(missing[:10])


def test_every_danish_entry_is_translated_and_not_fuzzy():
    untranslated = [
        message.id
        for message in catalogue("da")
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not untranslated


@pytest.mark.parametrize("language", ["da", "en"])
def test_compiled_catalogue_is_up_to_date(language):
    compiled = BytesIO()
    write_mo(compiled, catalogue(language))
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), "run `make translations`"


def test_danish_pages_use_the_catalogue(client, thread):
    page = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "da"}).text
    assert "Log ind" in page
    assert "Ældste først" in page
