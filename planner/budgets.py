"""How long a plan searches when the hiker does not say: a policy of the
planner's, kept apart from the form (no Django here) so that the load benchmark
states its goal from the same figures the server uses.
"""

from __future__ import annotations

from planner.solver import DEFAULT_BUDGET_S

# A trip of several days searches longer by default: its days are built between
# beds, and a backpacker planning four days waits half a second gladly. The rate
# limit counts it as what it is.
BUDGET_DAYS = 4  # the default budget grows up to this many days


# A loop that must walk a given trail or route searches a narrower space: its
# walks must touch that trail, so fewer of those found count. At 0.25 s the
# demo's "walk Pista de Sorteny" plan found none once the machine was busy
# (none at 0.1 s, on main before and after the seventh session's changes).
MUST_WALK_FACTOR = 2.0


def default_budget(days: int, must_walk: bool = False) -> float:
    """The search budget when none is asked for: 0.25 s for a day or two, an
    eighth of a second a day beyond, up to 0.5 s for four days or more; twice
    that for a loop that must walk a given trail or route."""
    budget = DEFAULT_BUDGET_S * max(1.0, min(days, BUDGET_DAYS) / 2)
    return budget * (MUST_WALK_FACTOR if must_walk else 1.0)
