"""The trail network as a graph stored relationally.

Junctions are the nodes, segments the edges between two junctions; trails group the
segments a source line was split into. Trailheads and campsites are points attached
to a junction. Every imported row is keyed on (source, external_id), so re-importing a
file updates rows in place. Segments carry their bounding box, and points their
position, with indexes so that "everything inside this box" is one indexed query on
SQLite and PostgreSQL alike.

The models live by job: `common` (validators, staff-owned fields, search names),
`sources`, `graph` (trails, junctions, segments, waymarked routes), `points`
(trailheads and campsites) and `versions` (the data version and the ground a
change touches). Everything is imported from here.
"""

from trails.models.common import (
    LAT_VALIDATORS,
    LON_VALIDATORS,
    Searchable,
    search_name,
    staff_edits,
)
from trails.models.graph import (
    Junction,
    Segment,
    SegmentQuerySet,
    Trail,
    WalkingRoute,
)
from trails.models.points import (
    Campsite,
    CampsiteQuerySet,
    NetworkPoint,
    PointQuerySet,
    Trailhead,
    TrailheadQuerySet,
)
from trails.models.sources import Source, SourceQuerySet
from trails.models.versions import (
    MAX_STAMPED_TILES,
    VERSION_TILE_DEG,
    Box,
    DataVersion,
    TileVersion,
    extent,
    tiles_of,
    where,
)

__all__ = [
    "LAT_VALIDATORS",
    "LON_VALIDATORS",
    "MAX_STAMPED_TILES",
    "VERSION_TILE_DEG",
    "Box",
    "Campsite",
    "CampsiteQuerySet",
    "DataVersion",
    "Junction",
    "NetworkPoint",
    "PointQuerySet",
    "Searchable",
    "Segment",
    "SegmentQuerySet",
    "Source",
    "SourceQuerySet",
    "TileVersion",
    "Trail",
    "Trailhead",
    "TrailheadQuerySet",
    "WalkingRoute",
    "extent",
    "search_name",
    "staff_edits",
    "tiles_of",
    "where",
]
