"""A digest of everything an import's result depends on, so that a re-run of the
import it last did can be recognised without parsing the file again.

The parse of a region takes seconds; reading its bytes through sha256 takes a
fraction of that. Two imports with the same digest parse the same bytes (the file
and the optional trailheads file) with the same options, by the same code, and
write the same credits with the same guard, so they write the same rows into a
database that nothing else has changed (what `trails/importers.py` checks).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from trails.formats import read_network

CHUNK = 1024 * 1024  # files can be hundreds of MB: never read one whole
TRAILS = Path(__file__).resolve().parent

# The code version of this process, computed when it loads the import code: a
# hash taken later could be of files a deploy replaced under it.
_CODE_VERSION: str | None = None


def import_digest(
    path: str | Path,
    options: Mapping[str, Any],
    attribution: str,
    licence: str,
    allow_shrink: bool,
) -> str | None:
    """The sha256 (hex) of an import's inputs; None when a file cannot be read
    (the parse then says what is wrong with it)."""
    trailheads = options.get("trailheads")
    try:
        files = [_sha256_of(Path(f)) if f else None for f in (path, trailheads)]
    except OSError:
        return None
    text = repr(
        (
            code_version(),
            files,
            read_options(options),
            attribution,
            licence,
            allow_shrink,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def read_options(options: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The options as the parse sees them, sorted: its defaults filled in and
    None (not given) left out, so the command, which names every option, and the
    upload page, which names few, agree on the same file. The trailheads file
    counts by its bytes, not its path (an upload's is a new temporary folder)."""
    defaults = {
        name: p.default
        for name, p in inspect.signature(read_network).parameters.items()
        if p.kind is p.KEYWORD_ONLY and name not in ("trailheads", "progress")
    }
    given = {k: v for k, v in options.items() if k != "trailheads" and v is not None}
    return sorted({**defaults, **given}.items())


def code_version() -> str:
    """A sha256 of the source of the trails package (its tests aside): new import
    code makes every file import in full once."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        _CODE_VERSION = _hash_sources(
            p
            for p in sorted(TRAILS.rglob("*.py"))
            if "tests" not in p.relative_to(TRAILS).parts
        )
    return _CODE_VERSION


def _hash_sources(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(TRAILS)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


code_version()  # now, with the code this process runs
