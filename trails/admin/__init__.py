"""Staff tools: look up, correct and close parts of the network.

Imported identifiers and geometry are read-only (the next import owns them); what
staff decide (names, difficulty, closures, trailhead positions, walking a flagged
trail anyway) is editable, and kept across re-imports: a field staff change is
marked as theirs (`staff_fields`) until they hand it back to the imports. Every
change moves the data version, so cached plans never show an edit's old state.
Waymarked routes come only from imports: staff look at them (their marks, length
and map) but do not add or edit them.
Staff with the right to add sources can also upload a file to import into a new
source, and with the rights to change and delete them, into one that exists (see
`trails/uploads.py`).

By job: `maps` (the map previews), `mixins` (what every staff change does),
`forms` (the rules of staff edits), `sources` (sources and the upload page),
`graph` (trails, segments, junctions, waymarked routes) and `points`
(trailheads and campsites).
"""

from django.contrib import admin

from trails.admin import graph, points, sources  # noqa: F401  (they register)

admin.site.site_header = "LoopGenie staff"
admin.site.site_title = "LoopGenie staff"
admin.site.index_title = "Trail data"
