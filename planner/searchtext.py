"""How well a name matches what a hiker typed. No Django.

Both sides are folded first (`trails.folding.fold`: no case, no accents, refs as
one word), then every typed word looks for its best partner among the name's
words, in any order: the same word, a word it begins (people stop typing early),
or one a small typo away ("gruner wge", "estanys" for "estany"). The quality is
the typed words' mean, shaded by how much of the name they cover, so "Camí Ral"
beats "Camí Ral de Sant Julià" for "cami ral". The database side
(`planner/search.py`) only fetches candidates; the order is decided here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from trails.folding import fold

MAX_QUERY_CHARS = 100
MAX_WORDS = 8
# Below this a name is not shown at all: half of what was typed must match.
MIN_QUALITY = 0.5
EXACT, PREFIX, TYPO = 1.0, 0.9, 0.75


@dataclass(frozen=True)
class Typed:
    """What the hiker typed, folded and cut into at most MAX_WORDS words; `raw`
    is the text as typed (cut short), for keys folded another way (places)."""

    text: str
    words: tuple[str, ...]
    raw: str = ""

    @property
    def fragments(self) -> list[str]:
        """Pieces of three letters that a name matching any word (even with one
        typo) shares: what the database filters candidates on."""
        pieces: list[str] = []
        for word in self.words:
            if len(word) <= 3:
                pieces.append(word)
            else:
                pieces += [word[i : i + 3] for i in range(len(word) - 2)]
        return list(dict.fromkeys(pieces))


def read(text: str) -> Typed:
    folded = fold(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS].strip()
    return Typed(folded, tuple(folded.split()[:MAX_WORDS]), text[:MAX_QUERY_CHARS])


def quality(typed: Typed, folded_name: str) -> float:
    """0 (no match) to 1 (the name is exactly what was typed, in any order)."""
    names = folded_name.split()
    if not typed.words or not names:
        return 0.0
    if folded_name == typed.text:
        return 1.0
    used: set[int] = set()
    total = 0.0
    last = len(typed.words) - 1
    for n, word in enumerate(typed.words):
        best, at = 0.0, -1
        for i, name in enumerate(names):
            score = word_match(word, name)
            if not score and n == last and name.startswith(word):
                score = PREFIX  # the word being typed: one letter is a start
            if score > best or (score == best and score and at in used):
                best, at = score, i
        total += best
        if at >= 0:
            used.add(at)
    mean = total / len(typed.words)
    covered = len(used) / len(names)
    return round(mean * (0.8 + 0.2 * covered), 4)


@functools.lru_cache(maxsize=100_000)
def word_match(typed: str, name: str) -> float:
    """How well one typed word matches one word of a name. Cached: names share
    few words ("cami", "de", "refugi") and hikers type the same ones."""
    if typed == name:
        return EXACT
    if len(typed) >= 2 and name.startswith(typed):
        return PREFIX
    if len(typed) < 4:
        return 0.0
    allowed = 1 if len(typed) < 8 else 2
    if (
        abs(len(typed) - len(name)) <= allowed
        and edits(typed, name, allowed) <= allowed
    ):
        return TYPO
    # A typo in a word not finished yet: "estan" typed as "etsan".
    if len(name) > len(typed) and edits(typed, name[: len(typed)], 1) <= 1:
        return TYPO * 0.9
    return 0.0


def edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit),
    giving up once it is over `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if (
                before is not None
                and i > 1
                and j > 1
                and ca == b[j - 2]
                and a[i - 2] == cb
            ):
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]
