"""When two names look alike, and which names belong to the site (pure: no Flask, no db)."""

import unicodedata
from collections.abc import Iterable

# Names that would let an account pose as the site or its staff; the site's own name and the
# role names are added by the caller.
RESERVED = (
    "admin",
    "administrator",
    "moderator",
    "mod",
    "system",
    "support",
    "staff",
    "forum",
    "root",
)

# Separators that do not change how a name reads: "m-o-d" reads as "mod".
SEPARATORS = "_-.·'’"

# Characters that look like a Latin letter (facts from Unicode's confusables list), applied
# after case folding, so each entry is the lower-case form. The digits 0 and 1 look like o and
# l; i, l and the capital I look alike in many fonts, so all of them fold to l.
LOOK_ALIKES = {
    "0": "o",
    "1": "l",
    "i": "l",
    # Latin letters outside ASCII
    "ı": "l",
    "ɩ": "l",
    "ɑ": "a",
    "ɡ": "g",
    "ʏ": "y",
    # Cyrillic
    "а": "a",
    "в": "b",
    "ь": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "н": "h",
    "і": "l",
    "ї": "l",
    "ӏ": "l",
    "ј": "j",
    "к": "k",
    "м": "m",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "ѕ": "s",
    "т": "t",
    "у": "y",
    "ү": "y",
    "ԝ": "w",
    "х": "x",
    "ѡ": "w",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "ι": "l",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "γ": "y",
    "ω": "w",
}
# Letters that Unicode does not split into a base letter and a mark, written as ICU's
# Latin-ASCII transliteration writes them, so "Kjær" reads as "Kjaer" and "Mød" as "Mod".
# (ß needs no entry: case folding makes it "ss".)
UNDECOMPOSED = {
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ł": "l",
    "ħ": "h",
    "ŧ": "t",
}
# Pairs of letters that read as one: "rn" as "m", "vv" as "w".
LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"))

_TABLE = str.maketrans(LOOK_ALIKES | UNDECOMPOSED)


def fold(name: str) -> str:
    """The form a name is compared in: case, width, accents, separators and look-alikes gone.

    Usernames and display names are stored folded (users.username_fold, display_name_fold):
    a change here needs a migration that folds them again."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(
        char
        for char in unicodedata.normalize("NFD", text)
        # Accents (combining marks), invisible format characters such as zero-width spaces.
        if unicodedata.category(char) not in ("Mn", "Me", "Cf")
        and not char.isspace()
        and char not in SEPARATORS
    )
    text = text.translate(_TABLE)
    for pair, letter in LOOK_ALIKE_PAIRS:
        text = text.replace(pair, letter)
    return text


def reserved_folds(extra: Iterable[str] = ()) -> frozenset[str]:
    """The folded forms of the reserved names and of the extra ones (site name, roles)."""
    return frozenset(fold(name) for name in (*RESERVED, *extra) if fold(name))


def is_reserved(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether the name reads as one of the reserved names (or an extra one)."""
    return fold(name) in reserved_folds(extra)
