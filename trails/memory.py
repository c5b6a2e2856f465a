"""Pause Python's cyclic garbage collector around bulk work.

Reading a region makes hundreds of thousands of small objects (vertices, tuples,
model instances) and no reference cycles worth collecting; the collector would
still walk them all, again and again as they accumulate (a third of the time of
an import). The solver pauses it the same way during a solve.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
