"""The cue sheets of real loops (the Andorra demo region), read as a hiker would:
no line whose kind contradicts the summary, one line per trail or route
followed, a turn at every change, and the page showing it all."""

import re

import pytest
from django.urls import reverse

from planner.cues import problems
from planner.forms import TripForm
from planner.plans import make_plan

QUESTIONS = [
    {"start": "Andorra la Vella", "drive": "20", "hike": "5"},
    {"start": "Andorra la Vella", "drive": "20", "hike": "12"},
    {"start": "Ordino", "drive": "10", "hike": "8"},
    {"start": "Canillo", "drive": "15", "hike": "18"},
    {"start": "Andorra la Vella", "drive": "20", "hike": "30", "days": "3"},
]


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: f"{q['hike']}mi")
def test_every_loops_cue_sheet_reads_right(world, question):
    form = TripForm(question)
    assert form.is_valid(), form.errors
    plan = make_plan(form.trip_query())
    assert plan["loops"]
    for loop in plan["loops"]:
        assert problems(loop) == [], loop["rank"]
        if int(question.get("days", 1)) > 1:
            assert {c["day"] for c in loop["cues"]} == {1, 2, 3}
    # A loop may be all one trail; the loops offered are not all one line.
    assert max(len(loop["cues"]) for loop in plan["loops"]) >= 2


def test_the_checker_finds_what_the_old_cue_sheet_got_wrong(world):
    form = TripForm(QUESTIONS[1])
    assert form.is_valid()
    loop = make_plan(form.trip_query())["loops"][0]
    bad = [dict(c) for c in loop["cues"]]
    bad[0] = {**bad[0], "kind": "road"}  # a line labelled road that is not
    bad[2] = {**bad[2], "turn": None}
    bad.insert(1, {**bad[0], "length_m": 0.0, "road_m": 0.0})
    found = problems({**loop, "cues": bad})
    assert any("says road but is not all road" in p for p in found)
    assert any("has no turn" in p for p in found)
    assert any("is only 0 m" in p for p in found)
    assert any("both follow" in p for p in found)


def test_the_page_shows_turns_marks_and_days_with_their_nights(client, world):
    page = client.get(reverse("planner:plan"), QUESTIONS[-1]).content.decode()
    start = page.index('<table class="cues">')
    sheet = page[start : page.index("</table>", start)]
    assert re.search(r'<span class="turn">(Turn|Bear) (left|right) onto</span>', sheet)
    assert '<span class="marks">(red-white marks)</span>' in page
    assert "Day 2:" in sheet and "Night at " in sheet
    rows = re.findall(
        r'<tr class="cue[^"]*"[^>]*>\s*<td class="num">([^<]*)</td>.*?'
        r'<td class="num">([^<]*)</td>',
        sheet,
        re.S,
    )
    assert len(rows) >= 6
    assert rows[0][0] == "0.0 mi"
    assert "0.0 mi" not in [length for _, length in rows]
    assert len({at for at, _ in rows}) == len(rows)  # every line moves on
