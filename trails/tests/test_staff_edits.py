"""What staff change in the admin outlasts a re-import of a newer file.

The real network is Colorado State Forest's trail file (see the `colorado`
fixture). Its Montgomery Pass trail is four segments; staff close the second and
rename the trail, then a newer file adds a side trail that joins the first segment
halfway along it, which splits it and shifts the ids of everything after it by one.
"""

import json

import pytest
from django.db.models import Count
from django.urls import reverse

from trails.closures import pieces
from trails.models import Campsite, Segment, Source, Trail, Trailhead
from trails.tests.features import line, point

pytestmark = pytest.mark.django_db

# A line north from A; far from Andorra, which other tests may have in the database.
A, B, C = [10.0, 45.0], [10.0, 45.005], [10.0, 45.01]


def trail_form(trail: Trail, **changes) -> dict:
    """The trail's admin page as posted, with its inline segments unchanged."""
    segments = list(trail.segments.order_by("id"))
    data = {
        "name": trail.name,
        "kind": trail.kind,
        "difficulty": trail.difficulty or "",
        "segments-TOTAL_FORMS": len(segments),
        "segments-INITIAL_FORMS": len(segments),
        "segments-MIN_NUM_FORMS": 0,
        "segments-MAX_NUM_FORMS": 1000,
    }
    for n, segment in enumerate(segments):
        data[f"segments-{n}-id"] = segment.pk
        data[f"segments-{n}-trail"] = trail.pk
        data[f"segments-{n}-closed_reason"] = segment.closed_reason
        if segment.is_open:
            data[f"segments-{n}-is_open"] = "on"
    return {**data, **changes}


def close(staff_client, segment: Segment, reason: str) -> None:
    url = reverse("admin:trails_segment_change", args=[segment.pk])
    data = {"closed_reason": reason, "ascent_m": "", "descent_m": ""}
    assert staff_client.post(url, data).status_code == 302


def with_a_side_trail(colorado_trails, tmp_path, at: list[float]):
    """The Colorado file and one more line, from `at` out to the north-east."""
    doc = json.loads(colorado_trails.read_text())
    far = [at[0] + 0.004, at[1] + 0.003]
    doc["features"].append(line([at, far], fid="new-spur", name="New spur"))
    path = tmp_path / "trails-with-a-spur.geojson"
    path.write_text(json.dumps(doc))
    return path


def ground(segment: Segment) -> set:
    return set(pieces(segment.geometry))


def test_a_closed_stretch_and_a_renamed_trail_outlast_a_side_trail_splitting_it(
    staff_client, command, colorado, tmp_path
):
    command("import_trails", colorado["trails"], source="csf")
    montgomery = Trail.objects.filter(source__name="csf", name="Montgomery Pass")
    trail = montgomery.annotate(n=Count("segments")).get(n=4)
    first, washed_out, *rest = trail.segments.order_by("id")
    close(staff_client, washed_out, "Washed out at the creek")
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    renamed = trail_form(trail, name="Montgomery Pass Trail (1180)")
    assert staff_client.post(url, renamed).status_code == 302

    middle = first.geometry[len(first.geometry) // 2][:2]
    newer = with_a_side_trail(colorado["trails"], tmp_path, at=middle)
    out = command("import_trails", newer, source="csf")

    trail.refresh_from_db()
    assert trail.name == "Montgomery Pass Trail (1180)"
    segments = list(trail.segments.order_by("id"))
    assert len(segments) == 2 + 1 + len(rest)  # the first one is split in two
    closed = [s for s in segments if not s.is_open]
    assert [ground(s) for s in closed] == [ground(washed_out)]
    assert closed[0].closed_reason == "Washed out at the creek"
    assert closed[0].external_id != washed_out.external_id  # the ids moved on
    assert list(Segment.objects.filter(source__name="csf", is_open=False)) == closed
    assert Segment.objects.get(trail__name="New spur").is_open
    assert "Closed: 1 segments; staff's closures that could not be placed: 0." in out


def test_a_closure_whose_ground_left_the_file_is_reported_not_moved(
    staff_client, command, geojson_file
):
    command("import_trails", geojson_file(line([A, B, C], fid="ridge")), source="t")
    close(staff_client, Segment.objects.get(source__name="t"), "Rockfall")
    rerouted = geojson_file(line([A, [10.005, 45.005], C], fid="ridge"))
    out = command("import_trails", rerouted, source="t")
    assert Segment.objects.get(source__name="t").is_open
    assert (
        "Not placed (its ground is not in the file): unnamed trail (segment "
        "ridge/0), closed: Rockfall" in out
    )


def test_a_closure_stays_on_its_ground_when_the_file_gives_the_line_a_new_id(
    staff_client, command, geojson_file
):
    command("import_trails", geojson_file(line([A, B, C], fid="old")), source="t")
    close(staff_client, Segment.objects.get(source__name="t"), "Rockfall")
    newer = geojson_file(line([A, B, C], fid="new"))
    # By id, the file deletes the source's only segment: allowed here.
    out = command("import_trails", newer, source="t", allow_shrink=True)
    segment = Segment.objects.get(source__name="t")
    assert (segment.external_id, segment.is_open) == ("new/0", False)
    assert segment.closed_reason == "Rockfall"
    assert "staff's closures that could not be placed: 0." in out


def test_staff_s_name_and_difficulty_win_over_the_file_until_handed_back(
    staff_client, command, geojson_file
):
    path = geojson_file(line([A, B], fid="r", name="Ridge", difficulty="T2"))
    command("import_trails", path, source="t")
    trail = Trail.objects.get(source__name="t")
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    edit = trail_form(trail, name="Ridge (old mule path)", difficulty=3)
    assert staff_client.post(url, edit).status_code == 302
    newer = geojson_file(line([A, B], fid="r", name="Ridge trail", difficulty="T1"))
    command("import_trails", newer, source="t")
    trail.refresh_from_db()
    assert (trail.name, trail.difficulty) == ("Ridge (old mule path)", 3)
    assert trail.staff_fields == ["difficulty", "name"]

    changelist = reverse("admin:trails_trail_changelist")
    action = {"action": "forget_staff_fields", "_selected_action": [trail.pk]}
    assert staff_client.post(changelist, action).status_code == 302
    command("import_trails", newer, source="t")
    trail.refresh_from_db()
    assert (trail.name, trail.difficulty) == ("Ridge trail", 1)


def test_a_trailhead_staff_renamed_and_moved_stays_where_they_put_it(
    staff_client, command, geojson_file
):
    lot = point(*A, fid="lot", name="Lot", type="Parking")
    path = geojson_file(line([A, B, C], fid="ridge"), lot)
    command("import_trails", path, source="t")
    trailhead = Trailhead.objects.get(source__name="t")
    url = reverse("admin:trails_trailhead_change", args=[trailhead.pk])
    moved = {"name": "Upper lot", "kind": "parking", "lat": C[1], "lon": C[0]}
    assert staff_client.post(url, {**moved, "elevation": ""}).status_code == 302
    trailhead.refresh_from_db()
    placed = (trailhead.lat, trailhead.lon, trailhead.junction_id)

    command("import_trails", path, source="t")
    trailhead.refresh_from_db()
    assert trailhead.name == "Upper lot"
    assert (trailhead.lat, trailhead.lon, trailhead.junction_id) == placed


def test_a_trailhead_staff_made_is_attached_again_when_its_junction_goes(
    staff_client, command, geojson_file
):
    near_b = [10.0, 45.007]  # 222 m north of B
    path = geojson_file(line([A, B, near_b], fid="ridge"))
    command("import_trails", path, source="t")
    url = reverse("admin:trails_trailhead_add")
    new = {"name": "Bus stop", "kind": "trailhead", "lat": near_b[1], "lon": near_b[0]}
    assert staff_client.post(url, {**new, "elevation": ""}).status_code == 302
    made = Trailhead.objects.get(name="Bus stop")
    assert made.source is None and made.attach_m == 0

    # The line now ends at B: the junction it used goes, and B is the nearest one.
    out = command("import_trails", geojson_file(line([A, B], fid="ridge")), source="t")
    made.refresh_from_db()
    assert (made.junction.lat, made.junction.lon) == (B[1], B[0])
    assert made.attach_m == pytest.approx(222, abs=1)
    assert "Re-attached (its junction is gone): trailhead Bus stop, now 222" in out


def test_a_campsite_staff_made_far_from_what_is_left_is_reported_unattached(
    staff_client, command, geojson_file
):
    near, far = [[10.0, 45.0], [10.0, 45.001]], [[11.0, 46.0], [11.0, 46.001]]
    command("import_trails", geojson_file(line(near, fid="a")), source="t")
    url = reverse("admin:trails_campsite_add")
    new = {"name": "Bivouac", "kind": "camp_site", "lat": 45.001, "lon": 10.0}
    assert staff_client.post(url, {**new, "elevation": ""}).status_code == 302
    out = command(
        "import_trails", geojson_file(line(far, fid="b")), source="t", allow_shrink=True
    )
    assert Campsite.objects.get(name="Bivouac").junction is None
    assert "campsite Bivouac, no open trail within reach: not attached" in out
    assert Source.objects.get(name="t").segment_count == 1
