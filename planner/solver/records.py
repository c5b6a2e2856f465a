"""What the solver takes in and hands back: plain dataclasses, JSON-friendly.

`dataclasses.asdict(result)` gives dicts, lists and numbers only (node and segment
ids are whatever the graph uses, usually strings).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Start:
    """A trailhead the hiker can drive to, and the junction it is attached to."""

    node: Hashable
    trailhead_id: Hashable
    name: str = ""
    drive_m: float = 0.0


@dataclass
class Step:
    """One graph segment of a loop, in walking order.

    An out-and-back may turn back partway along a segment: two steps then walk
    part of it, out and back, each with `span_m` (metres from `from_node` where
    the step starts and ends: (0, d) out, (d, 0) back), `toward` the segment's
    other end, and `from_node` == `to_node`: the walk is back where it was."""

    segment_id: Hashable
    from_node: Hashable
    to_node: Hashable
    reversed: bool  # walked against the direction its coords are stored in
    length_m: float
    trail: str
    kind: str
    connector: bool
    repeated: bool  # part of a stem: walked out and walked back
    span_m: tuple[float, float] | None = None
    toward: Hashable | None = None

    @property
    def far_node(self) -> Hashable:
        """The segment's end the step heads for (its graph edge is
        (from_node, far_node, segment_id))."""
        return self.to_node if self.toward is None else self.toward


@dataclass
class Stage:
    """One day of a multi-day loop."""

    day: int
    length_m: float
    end_node: Hashable
    campsite: str | None  # name of the campsite the day ends at, if any
    last_step: int | None = None  # index of the day's last step in Loop.steps


@dataclass
class Loop:
    rank: int
    start: Start
    kind: str  # "loop", "lollipop" (stem out and back to a loop) or "out_and_back"
    steps: list[Step]  # from the trailhead back to it; line and climb: planner/track.py
    length_m: float
    error_m: float  # length_m - target_m
    repeated_m: float  # trail walked twice (the stem)
    connector_m: float  # road walked, counting a road stem twice
    stages: list[Stage]
    cost: float = 0.0  # the hiker's cost it was ranked by (planner/solver/costs.py)
    turns: int = 0  # changes of trail followed (name, else kind of way)


@dataclass(frozen=True)
class NoLoop:
    """Why no walk was offered, as data (metres); the planner words it for the
    hiker in their units (`planner/reasons.py`). `kind` says which reason:

    - "no_trailhead": no trailhead given; "off_network": none is on the network;
    - "too_small": the widest network reached is shorter than the walk:
      `reach_m` is the longest loop from `start` (`reach_is_loop`), else the
      trail in loops from it;
    - "stems_needed": the trails only go out and back, and stems are not allowed;
      "nothing_to_walk": the trailheads reach no trail at all;
      "out_and_back_only": no out-and-back fits the length;
    - "missed": no loop within the tolerance (`closest_m` were seen);
    - "walk_unreached": none of the trail or route `walk` is within reach of
      `start`; "walk_missed": no loop that walks some of it fits.
    """

    kind: str
    target_m: float = 0.0
    tolerance: float = 0.0
    closest_m: tuple[float, ...] = ()  # the nearest lengths seen, shorter first
    unsure: bool = False  # the search ran out of time: a longer one may find one
    start: str = ""  # the trailhead searched from, or "the trailheads in range"
    walk: str = ""  # the trail or route asked for
    reach_m: float = 0.0
    reach_is_loop: bool = False


@dataclass
class SolveResult:
    loops: list[Loop]
    reason: NoLoop | None  # why no loop was found, else None
    closest_lengths_m: list[float]  # nearest loop lengths found outside the tolerance
    timed_out: bool  # the budget ran out before the search was complete
    # for several days: why some nights are not at a bed (None when all are)
    notice: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
