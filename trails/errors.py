"""The one error every parser raises for input it cannot use, and the guarded read
that every parser of untrusted files starts with.

Messages name the reason in words a staff member can act on; the caller (import
command, admin upload) adds which file it was.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_BYTES = 200 * 1024 * 1024
# The most vertices one line may have. A day's GPS track at a point a second is
# about 40,000; a line of a million vertices would be one segment that every plan
# through it carries whole (tens of megabytes on a page), so it is refused with a
# request to simplify it rather than imported.
MAX_LINE_VERTICES = 100_000

Source = str | os.PathLike[str] | bytes


class ParseError(ValueError):
    """The file cannot be imported; the message says why, for a person to read."""


def read_source(source: Source, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a file path (or the bytes themselves), refusing huge or empty input.

    The size is checked before reading, so an oversized upload costs no memory.
    """
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ParseError(f"the file cannot be read ({exc.strerror})") from exc
        check_size(size, max_bytes)
        with open(path, "rb") as fh:
            # Read one byte more than allowed: the file may have grown since stat().
            data = fh.read(max_bytes + 1)
    check_size(len(data), max_bytes)
    if not data.strip():
        raise ParseError("the file is empty")
    return data


def too_many_vertices(count: int) -> ParseError:
    return ParseError(
        f"a line has {count:,} vertices, over the limit of {MAX_LINE_VERTICES:,}; "
        "simplify it first (e.g. ogr2ogr -simplify 0.00001, or gpsbabel -x "
        "simplify,error=0.001k)"
    )


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ParseError(
            f"the file is {size / 1e6:,.1f} MB, over the limit of "
            f"{max_bytes / 1e6:,.0f} MB"
        )
