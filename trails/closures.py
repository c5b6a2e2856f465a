"""Closures follow the ground, not the ids.

A segment's id is its line's id and its place along the line (`w12/3`), so when a
newer file adds a junction to a line (a new side trail joins it), the ids after it
shift by one: a closure kept on the id would land on the next stretch and the
washed-out one would open again. So a closure is carried over by the ground it
covers, the pieces between consecutive vertices of the closed segment, and given
to each new segment that runs over any of them.

What a piece of ground ends up as, between what the database says (staff's word)
and what the file says:

- when the file says something new about it since the last import, the file's word
  applies: a newer file's closure closes it, and a closure the file lifts is lifted
  (unless staff gave that closure their own reason);
- otherwise the database's state stands: what staff closed stays closed, what they
  reopened stays open.

A segment is closed when any of its ground is: one washed-out bridge closes the
stretch between two junctions. A closure staff made whose ground is nowhere in the
new network cannot be placed; `Ground.unplaced` names them for the import summary.
No Django here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Vertex = tuple[float, float]
Piece = tuple[Vertex, Vertex]  # two consecutive vertices, the lesser first


@dataclass(frozen=True)
class State:
    """What the database says about a segment's ground."""

    is_open: bool = True
    reason: str = ""  # why it is closed
    file_reason: str = ""  # what the file said at the last import ("" for open)

    @property
    def by_staff(self) -> bool:
        """Closed, and not simply as the file said."""
        return not self.is_open and self.reason != self.file_reason


OPEN = State()


@dataclass
class Closure:
    label: str  # how the summary names it, e.g. "Ridge (segment w1/2)"
    reason: str
    pieces: list[Piece]


def pieces(geometry: Sequence[Sequence[float]]) -> list[Piece]:
    """The pieces of ground a line covers, whichever way it was drawn."""
    points = [(p[0], p[1]) for p in geometry]
    return [(a, b) if a <= b else (b, a) for a, b in zip(points, points[1:]) if a != b]


def decide(old: State, file_reason: str) -> tuple[bool, str]:
    """(is open, reason) of a piece of ground the database says `old` about."""
    if file_reason != old.file_reason:
        if file_reason:
            return False, file_reason
        if not old.is_open and old.reason == old.file_reason:
            return True, ""  # the file lifts a closure that was its own
    return old.is_open, old.reason


class Ground:
    """The ground of a source that is not simply open: closed, or closed by the
    file at some point. Everything else is open and the file's to close."""

    def __init__(self, segments: Iterable[tuple[str, Sequence, State]] = ()):
        self.states: dict[Piece, State] = {}
        self.closures: list[Closure] = []
        self.placed: set[Piece] = set()
        for label, geometry, state in segments:
            ground = pieces(geometry)
            for piece in ground:
                self.states[piece] = state
            if state.by_staff:
                self.closures.append(Closure(label, state.reason, ground))

    def state(
        self, geometry: Sequence[Sequence[float]], file_reason: str
    ) -> tuple[bool, str]:
        """(is open, reason) of a segment of the new network."""
        if not file_reason and not self.states:
            return True, ""  # open in the file, and all ground was open
        closed: Counter[str] = Counter()
        for piece in pieces(geometry):
            old = self.states.get(piece)
            if old is not None:
                self.placed.add(piece)
            is_open, reason = decide(old or OPEN, file_reason)
            if not is_open:
                closed[reason] += 1
        if not closed:
            return True, ""
        return False, closed.most_common(1)[0][0]

    def unplaced(self) -> list[Closure]:
        """Staff's closures none of whose ground the new network has (call it
        after `state` has seen every new segment)."""
        return [c for c in self.closures if not self.placed.intersection(c.pieces)]
