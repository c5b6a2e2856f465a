"""Names as people type them: the folded key stored next to every searchable name.

"Grüner Weg" and "gruner weg" meet, "Camí Ral" and "cami ral" meet, and a ref
written "GR 11", "GR-11" or "gr11" is one word, "gr11". The same `fold` builds the
stored key (at import and on save) and the typed one, so matching compares like
with like on SQLite and PostgreSQL. No Django.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition leaves alone but people type without marks.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
# Anything that is not a letter or a digit separates words (Catalan's "l·l" too).
_SEPARATORS = re.compile(r"[^\w]+|_")
# A short run of letters then a number is a ref: "gr 11" -> "gr11", "e 4" -> "e4".
_REF = re.compile(r"\b([a-z]{1,4}) (\d+)\b")
LONGEST = 300  # the stored key's column width


def fold(text: str) -> str:
    """The search key: lower case, no accents, words separated by single spaces.

    >>> fold("Camí Ral de l'Estany")
    'cami ral de l estany'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.translate(_LETTERS).replace("ß", "ss")
    words = _SEPARATORS.sub(" ", bare).strip()
    return _REF.sub(r"\1\2", words)[:LONGEST]
