"""What a round trip (export then import, or backup then restore) must bring back.

`network(source)` snapshots a source keyed by stable external ids, never row ids;
`assert_same_network(before, after)` compares two snapshots.
"""

from __future__ import annotations

import pytest

from trails.models import Campsite, Junction, Segment, Source, Trailhead


def network(source: Source) -> dict:
    segments = {
        s.external_id: (
            s.trail.external_id,
            s.trail.name,
            s.trail.kind,
            s.trail.difficulty,
            s.start.external_id,
            s.end.external_id,
            s.geometry,
            s.ascent_m,
            s.descent_m,
            s.is_open,
            s.closed_reason,
        )
        for s in Segment.objects.filter(source=source).select_related(
            "trail", "start", "end"
        )
    }
    lengths = dict(
        Segment.objects.filter(source=source).values_list("external_id", "length_m")
    )
    junctions = {
        j.external_id: (j.lat, j.lon, j.elevation)
        for j in Junction.objects.filter(source=source)
    }
    places = {
        (model.__name__, p.external_id): (
            p.name,
            p.kind,
            p.lat,
            p.lon,
            p.elevation,
            p.junction.external_id if p.junction else None,
            p.attach_m,
        )
        for model in (Trailhead, Campsite)
        for p in model.objects.filter(source=source).select_related("junction")
    }
    return {
        "segments": segments,
        "lengths": lengths,
        "junctions": junctions,
        "places": places,
    }


def assert_same_network(before: dict, after: dict) -> None:
    assert after["segments"] == before["segments"]
    assert after["junctions"] == before["junctions"]
    assert after["lengths"].keys() == before["lengths"].keys()
    for key, metres in before["lengths"].items():
        assert after["lengths"][key] == pytest.approx(metres, abs=0.1)
    assert after["places"].keys() == before["places"].keys()
    for key, (*same, attach_m) in before["places"].items():
        *copied, copied_attach_m = after["places"][key]
        assert copied == same
        # Parking areas come from OSM area centroids: their distance measured
        # from coordinates rounded to 1 cm may differ in the last digit.
        assert copied_attach_m == pytest.approx(attach_m, abs=0.11)
