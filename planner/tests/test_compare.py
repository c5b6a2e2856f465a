"""Why this loop: each alternative's strengths and how it differs from the first."""

import re

from django.urls import reverse

from planner.compare import shared_share, why

GR11 = {"id": 10, "label": "GR 11", "length_m": 0.0}


def loop(seg_ids, *, road=0.0, climb=500.0, drive=5000.0, lines=5, gr11=0.0, th=1):
    return {
        "segments": [{"segment_id": s, "length_m": 1000.0} for s in seg_ids],
        "connector_m": road,
        "repeated_m": 0.0,
        "ascent_m": climb,
        "error_m": 0.0,
        "trailhead": {"id": th, "name": f"Trailhead {th}", "drive_m": drive},
        "cues": [{}] * lines,
        "routes": [{**GR11, "length_m": gr11}] if gr11 else [],
    }


def test_each_loop_says_what_it_clearly_beats_the_others_at():
    first = loop([1, 2, 3, 4], road=100, gr11=3000)
    second = loop([1, 2, 5, 6], road=900, climb=200, drive=2000, th=2)
    third = loop([7, 8, 9, 10], road=120, lines=2, gr11=1000)
    found = why([first, second, third])
    assert found[0]["best"] == ["most on GR 11"]  # road: 100 vs 120 is no gap
    assert found[1]["best"] == ["least climb", "closest trailhead"]
    assert found[2]["best"] == ["fewest turns"]


def test_an_alternative_says_how_much_of_it_is_the_first_walk_and_how_it_differs():
    first = loop([1, 2, 3, 4], road=100)
    second = loop([1, 2, 5, 6], road=900, climb=200, drive=2000, th=2)
    assert shared_share(second, first) == 0.5
    versus = why([first, second])[1]["versus"]
    assert versus == [
        {"what": "same", "amount": 50},
        {"what": "trailhead", "name": "Trailhead 2"},
        {"what": "road", "amount": 800, "more": True},
        {"what": "climb", "amount": 300, "more": False},
        {"what": "drive", "amount": 3000, "more": False},
    ]
    assert why([first])[0] == {"best": [], "versus": []}


def test_the_page_says_why_and_the_buttons_no_longer_all_read_the_length(client, world):
    trip = {"start": "Andorra la Vella", "drive": "20", "hike": "12"}
    page = client.get(reverse("planner:plan"), trip).content.decode()
    buttons = re.findall(r'<button type="button" data-loop="\d"[^>]*>([^<]*)<', page)
    assert len(buttons) == 3 and len(set(b.split(": ")[1] for b in buttons)) > 1
    whys = re.findall(r'<p class="why">(.*?)</p>', page)
    assert len(whys) == 3
    assert all(
        re.search(r"Against loop 1: (\d+%|none of it) the same walk", w)
        for w in whys[1:]
    )
    assert re.search(r"<strong>(Least|Most|Closest|Fewest)", " ".join(whys))
