"""What a round trip (export then import, or backup then restore) must bring back.

`network(source)` snapshots a source keyed by stable external ids, never row ids:
segments with their trail (flag and staff's override included), other names and
routes, junctions, places, and the waymarked routes with the segments each is on;
`assert_same_network(before, after)` compares two snapshots.
"""

from __future__ import annotations

import pytest

from trails.models import (
    Campsite,
    Junction,
    Segment,
    Source,
    Trailhead,
    WalkingRoute,
)


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
            s.trail.flag,
            s.trail.flag_override,
            s.other_names,
            sorted(r.external_id for r in s.routes.all()),
        )
        for s in Segment.objects.filter(source=source)
        .select_related("trail", "start", "end")
        .prefetch_related("routes")
    }
    routes = {
        r.external_id: (
            r.name,
            r.ref,
            r.network,
            r.colour,
            r.symbol,
            r.operator,
            sorted(s.external_id for s in r.segments.all()),
        )
        for r in WalkingRoute.objects.filter(source=source).prefetch_related("segments")
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
        "routes": routes,
    }


def assert_same_network(before: dict, after: dict) -> None:
    assert after["segments"] == before["segments"]
    assert after["routes"] == before["routes"]
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
