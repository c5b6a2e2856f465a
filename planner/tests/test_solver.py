"""The loop solver on tiny hand-drawn networks whose right answer can be seen.

Each network is drawn as a list of segments between named junctions; junctions get
made-up positions so loops have coordinates. No database.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from planner import twice
from planner.graph import EdgeRecord, build_graph
from planner.reasons import words
from planner.solver import Start, prepare, solve
from planner.solver.ranking import pick_different
from planner.track import line_of, track_of
from trails.ground import repeated_m

# made-up positions (lon, lat) for the junctions the drawings use
POS = {
    name: (i * 0.01, (i % 3) * 0.01) for i, name in enumerate("abcdefghijklmnopqrst")
}


def draw(*segments, ele=None):
    """segments: (from, to, metres[, kind[, extra EdgeRecord fields]])."""
    nodes = {n for s in segments for n in s[:2]}
    edges = []
    for i, seg in enumerate(segments):
        u, v, length = seg[:3]
        kind = seg[3] if len(seg) > 3 else "path"
        extra = seg[4] if len(seg) > 4 else {}
        edges.append(
            EdgeRecord(
                segment_id=extra.pop("id", f"{u}{v}{i}"),
                start=u,
                end=v,
                length=length,
                coords=[POS[u], POS[v]],
                trail=f"{u}-{v}",
                kind=kind,
                **extra,
            )
        )
    return build_graph(((n, *POS[n], None) for n in sorted(nodes)), edges)


def line(graph, loop):
    """The loop's line as the planner draws it (planner/track.py), from the
    drawing's straight segments."""
    lines = {k: d["coords"] for _, _, k, d in graph.edges(keys=True, data=True)}
    return track_of(loop.steps, graph, lines).coords


def at(node, name="TH", drive_m=0.0):
    return Start(node, f"th-{node}", name, drive_m)


SQUARE = [("a", "b", 1000), ("b", "c", 1000), ("c", "d", 1000), ("d", "a", 1000)]


def test_it_finds_the_square_loop():
    square = draw(*SQUARE)
    result = solve(square, [at("a")], 4000)

    [loop] = result.loops
    assert loop.kind == "loop"
    assert loop.length_m == pytest.approx(4000)
    assert loop.repeated_m == 0
    assert {s.segment_id for s in loop.steps} == {"ab0", "bc1", "cd2", "da3"}
    assert line(square, loop)[0] == line(square, loop)[-1] == POS["a"]
    assert [s.from_node for s in loop.steps][0] == "a"
    assert loop.steps[-1].to_node == "a"
    assert result.reason is None
    assert result.stats["exhaustive"] is True
    assert not result.timed_out


def test_the_steps_follow_each_other_and_say_which_way_they_are_walked():
    square = draw(*SQUARE)
    result = solve(square, [at("a")], 4000)

    steps = result.loops[0].steps
    for one, two in zip(steps, steps[1:]):
        assert one.to_node == two.from_node
    # each segment was drawn from the junction its id starts with: a walk against
    # it is flagged reversed, and the coordinates run the way the hiker walks
    for step in steps:
        assert step.reversed == (step.from_node != step.segment_id[0])
    coords = line(square, result.loops[0])
    assert coords == [POS[s.from_node] for s in steps] + [POS["a"]]


def test_it_picks_the_loop_closest_to_the_target():
    graph = draw(*SQUARE, ("a", "c", 1500))

    result = solve(graph, [at("a")], 3500, alternatives=1)

    [loop] = result.loops
    assert loop.length_m == pytest.approx(3500)
    assert len(loop.steps) == 3


def test_it_walks_a_figure_eight_through_a_shared_junction():
    eight = SQUARE + [
        ("c", "e", 1000),
        ("e", "f", 1000),
        ("f", "g", 1000),
        ("g", "c", 1000),
    ]

    result = solve(draw(*eight), [at("a")], 8000)

    [loop] = result.loops
    assert loop.length_m == pytest.approx(8000)
    assert loop.repeated_m == 0
    assert [s.to_node for s in loop.steps].count("c") == 2
    assert len({s.segment_id for s in loop.steps}) == 8


def test_it_can_pass_its_own_trailhead_half_way():
    petals = SQUARE + [
        ("a", "e", 1000),
        ("e", "f", 1000),
        ("f", "g", 1000),
        ("g", "a", 1000),
    ]

    result = solve(draw(*petals), [at("a")], 8000, alternatives=1)

    [loop] = result.loops
    assert loop.length_m == pytest.approx(8000)
    assert [s.to_node for s in loop.steps].count("a") == 2
    assert loop.repeated_m == 0


def test_it_uses_both_of_two_parallel_trails():
    graph = draw(("a", "b", 1000), ("a", "b", 1300), ("b", "c", 400), ("c", "a", 500))

    result = solve(graph, [at("a")], 2300, alternatives=1)

    [loop] = result.loops
    assert loop.length_m == pytest.approx(2300)
    assert sorted(s.length_m for s in loop.steps) == [1000, 1300]


def test_it_finds_no_loop_in_a_network_without_one():
    tree = [("a", "b", 1000), ("b", "c", 1500), ("b", "d", 700)]

    result = solve(draw(*tree), [at("a", "Col de la Botella")], 3000, allow_stems=False)

    assert result.loops == []
    assert "only go out and back" in said(result)
    assert result.stats["exhaustive"] is True


def test_it_walks_out_and_back_when_that_is_all_there_is_and_stems_are_allowed():
    tree = [("a", "b", 1000), ("b", "c", 1500), ("b", "d", 700)]

    graph = draw(*tree)
    result = solve(graph, [at("a")], 5000)

    first = result.loops[0]
    assert first.kind == "out_and_back"
    assert first.length_m == pytest.approx(5000)  # a - b - c and back
    assert first.repeated_m == pytest.approx(2500)
    assert [s.to_node for s in first.steps] == ["b", "c", "b", "a"]
    assert line(graph, first)[0] == line(graph, first)[-1] == POS["a"]


def test_an_out_and_back_turns_back_partway_along_a_trail_to_walk_the_length_asked():
    # from a: 1 km to b, then 3 km on to c; no junction is 2.5 km out
    spur = draw(("a", "b", 1000), ("b", "c", 3000))
    result = solve(spur, [at("a")], 5000)

    first = result.loops[0]
    assert first.kind == "out_and_back"
    assert first.length_m == pytest.approx(5000)
    assert first.repeated_m == pytest.approx(2500)
    out, turn, back, home = first.steps
    assert (out.to_node, turn.span_m, back.span_m, home.to_node) == (
        "b",
        (0.0, pytest.approx(1500)),
        (pytest.approx(1500), 0.0),
        "a",
    )
    assert turn.toward == back.toward == "c" and turn.to_node == back.to_node == "b"
    assert turn.segment_id == back.segment_id and turn.length_m == pytest.approx(1500)
    # it turns halfway from b to c, and comes home
    far = (POS["b"][0] + POS["c"][0]) / 2, (POS["b"][1] + POS["c"][1]) / 2
    coords = line(spur, first)
    assert far in [pytest.approx(c) for c in coords]
    assert coords[0] == coords[-1] == POS["a"]


def test_where_no_loop_can_fit_the_out_and_backs_are_found_before_any_loop_search(
    monkeypatch,
):
    # a spur reaches no loop at all: the exact out-and-back, the likely answer,
    # is in hand before the tree phase starts; where a loop can fit (the
    # square), nothing is offered before it
    from planner.solver import answer

    seen = []
    seed_pool = answer.seed_pool

    def watched(search, *args):
        seen.append([c.turn is not None for c in search.pool])
        return seed_pool(search, *args)

    monkeypatch.setattr(answer, "seed_pool", watched)
    spur = solve(draw(("a", "b", 1000), ("b", "c", 3000)), [at("a")], 5000)
    square = solve(draw(*SQUARE), [at("a")], 4000)

    assert seen[0] and any(seen[0])
    assert seen[1] == []
    assert spur.loops[0].kind == "out_and_back"
    assert spur.loops[0].length_m == pytest.approx(5000)
    assert square.loops[0].kind == "loop"


def test_when_the_trees_close_no_loop_the_out_and_backs_are_in_hand_before_the_dives(
    monkeypatch,
):
    # Enough loop-bearing trail for a 6 km loop (two 4 km squares meeting at the
    # trailhead), but no loop of that length (4 or 8 km): the exact out-and-back
    # along a 3 km spur is offered before the depth-first search starts, not at
    # its deadline, and the dives still close lengths by length alone (an
    # out-and-back ranks after any loop they find).
    from planner.solver import answer

    seen = []
    schedule = answer._schedule

    def watched(search, *args):
        seen.append(
            (
                [c.turn is not None for c in search.pool],
                search.first_near_s is not None,
                search.near_circuit,
            )
        )
        return schedule(search, *args)

    monkeypatch.setattr(answer, "_schedule", watched)
    other = [("a", "f", 1000), ("f", "g", 1000), ("g", "h", 1000), ("h", "a", 1000)]
    graph = draw(*SQUARE, *other, ("a", "e", 3000))
    result = solve(graph, [at("a")], 6000)

    pool, near, near_loop = seen[0]
    assert any(pool) and near and not near_loop
    assert any(
        w.kind == "out_and_back" and w.length_m == pytest.approx(6000)
        for w in result.loops
    )


def test_it_takes_a_lollipop_only_when_no_loop_fits_and_stems_are_allowed():
    lollipop = [("s", "a", 500)] + SQUARE

    result = solve(draw(*lollipop), [at("s")], 5000)

    loop = result.loops[0]
    assert loop.kind == "lollipop"
    assert loop.length_m == pytest.approx(5000)
    assert loop.repeated_m == pytest.approx(500)
    assert [s.repeated for s in loop.steps] == [True, False, False, False, False, True]
    assert loop.steps[0].segment_id == loop.steps[-1].segment_id

    refused = solve(draw(*lollipop), [at("s")], 5000, allow_stems=False)
    assert refused.loops == []


def test_a_loop_that_walks_no_trail_twice_beats_a_closer_lollipop():
    # from a: the square is 4.0 km (2.4% short); a 500 m stem to e and the triangle
    # there make exactly 4.1 km, but walk the stem twice (a quarter of the walk
    # on ground already seen)
    triangle = [("a", "e", 500), ("e", "f", 1000), ("f", "g", 1000), ("g", "e", 1100)]

    result = solve(draw(*SQUARE, *triangle), [at("a")], 4100, alternatives=2)

    assert result.loops[0].kind == "loop"
    assert result.loops[0].length_m == pytest.approx(4000)
    assert result.loops[1].kind == "lollipop"
    assert result.loops[1].length_m == pytest.approx(4100)
    assert result.loops[1].repeated_m == pytest.approx(500)


def test_an_exact_lollipop_with_a_short_stem_beats_a_loop_that_misses_the_length():
    # the same square, 2.4% short; now the stem is 300 m (7% of the walk, walked
    # twice): the length is the entry ticket
    triangle = [("a", "e", 300), ("e", "f", 1100), ("f", "g", 1100), ("g", "e", 1300)]

    result = solve(draw(*SQUARE, *triangle), [at("a")], 4100, alternatives=2)

    assert result.loops[0].kind == "lollipop"
    assert result.loops[0].length_m == pytest.approx(4100)
    assert result.loops[1].kind == "loop"
    assert result.loops[1].length_m == pytest.approx(4000)


def test_among_loops_within_one_percent_it_takes_the_one_with_least_road():
    # two 4 km loops from a: one on a road (exactly 4000 m), one on trails (4020 m)
    graph = draw(
        ("a", "b", 1000, "road"),
        ("b", "c", 1000, "road"),
        ("c", "a", 2000, "road"),
        ("a", "d", 1000),
        ("d", "e", 1020),
        ("e", "a", 2000),
    )

    result = solve(graph, [at("a")], 4000, alternatives=2)

    assert result.loops[0].length_m == pytest.approx(4020)
    assert result.loops[0].connector_m == 0
    assert result.loops[1].connector_m == pytest.approx(4000)

    length_only = solve(graph, [at("a")], 4000, alternatives=1, minimise_road=False)
    assert length_only.loops[0].length_m == pytest.approx(4000)


def test_a_trail_loop_a_little_long_beats_a_road_loop_that_fits():
    graph = draw(
        ("a", "b", 1000, "road"),
        ("b", "c", 1000, "road"),
        ("c", "a", 2050, "road"),
        ("a", "d", 1000),
        ("d", "e", 1000),
        ("e", "a", 2300),
    )

    result = solve(graph, [at("a")], 4000, alternatives=1)

    assert result.loops[0].length_m == pytest.approx(4300)
    assert result.loops[0].connector_m == 0


def test_outside_one_percent_closeness_beats_the_same_ground_a_little_longer():
    graph = draw(
        ("a", "b", 1000, "road"),
        ("b", "c", 1000, "road"),
        ("c", "a", 2050, "road"),
        ("a", "d", 1000, "road"),
        ("d", "e", 1000, "road"),
        ("e", "a", 2300, "road"),
    )

    result = solve(graph, [at("a")], 4000, alternatives=1)

    assert result.loops[0].length_m == pytest.approx(4050)


def test_it_explains_when_no_trailhead_reaches_a_network_that_long():
    result = solve(
        draw(*SQUARE), [at("a", "Pont de la Margineda")], 10000, allow_stems=False
    )

    assert result.loops == []
    assert said(result) == (
        "No trailhead in range reaches a network that long: "
        "the longest loop from Pont de la Margineda is 4.0 km."
    )
    assert result.closest_lengths_m == [pytest.approx(4000)]


def test_it_names_the_closest_lengths_on_both_sides_of_the_tolerance():
    two = SQUARE + [("a", "e", 2000), ("e", "f", 2000), ("f", "a", 4000)]

    result = solve(draw(*two), [at("a")], 6000, allow_stems=False)

    assert result.loops == []
    assert said(result) == (
        "No loop within ±10% of 6.0 km: the closest are 4.0 km and 8.0 km."
    )
    assert result.closest_lengths_m == [pytest.approx(4000), pytest.approx(8000)]


def test_it_says_when_no_trailhead_is_given_or_on_the_network():
    graph = draw(*SQUARE)

    assert said(solve(graph, [], 4000)) == "No trailhead in range."
    off = solve(graph, [at("z")], 4000)
    assert said(off) == "None of the trailheads in range is on the trail network."


def test_it_starts_at_the_trailhead_that_reaches_a_long_enough_network():
    # the near trailhead is on a 2 km island; the far one on a 5 km loop
    graph = draw(
        ("a", "b", 1000),
        ("b", "a", 1000),
        *[(u, v, 1250) for u, v in (("e", "f"), ("f", "g"), ("g", "h"), ("h", "e"))],
    )

    result = solve(graph, [at("a", "Near", 500), at("e", "Far", 9000)], 5000)

    assert result.loops[0].start.name == "Far"
    assert result.loops[0].length_m == pytest.approx(5000)


def test_a_loop_through_two_trailheads_starts_at_the_nearer_drive():
    graph = draw(*SQUARE)

    result = solve(graph, [at("a", "Far", 9000), at("c", "Near", 1000)], 4000)

    loop = result.loops[0]
    assert loop.start.name == "Near"
    assert loop.steps[0].from_node == "c" and loop.steps[-1].to_node == "c"
    assert line(graph, loop)[0] == POS["c"]


def test_alternatives_share_at_most_half_their_length():
    # three petals around a (5.0, 4.9 and 5.1 km) and a short cut c-d that makes a
    # 4.8 km loop sharing two thirds of its length with the first petal
    petals = [
        ("a", "b", 1600), ("b", "c", 1600), ("c", "a", 1800),
        ("a", "d", 1500), ("d", "e", 2000), ("e", "a", 1400),
        ("a", "f", 1700), ("f", "g", 1700), ("g", "a", 1700),
        ("c", "d", 100),
    ]  # fmt: skip

    result = solve(draw(*petals), [at("a")], 5000, alternatives=3)

    # 4.9 and 5.1 km miss by as much; the longer one has fewer turns per metre
    assert [round(loop.length_m) for loop in result.loops] == [5000, 5100, 4900]
    sets = [{s.segment_id for s in loop.steps} for loop in result.loops]
    assert not sets[0] & sets[1] and not sets[0] & sets[2] and not sets[1] & sets[2]
    assert [loop.rank for loop in result.loops] == [1, 2, 3]


def test_it_leaves_out_trails_harder_than_asked():
    graph = draw(
        *SQUARE[:3],
        ("d", "a", 1000, "path", {"difficulty": 5}),
        ("d", "a", 1500, "path", {"difficulty": 2}),
    )

    easy = solve(graph, [at("a")], 4200, max_difficulty=3)
    any_ = solve(graph, [at("a")], 4200)

    assert easy.loops[0].length_m == pytest.approx(4500)
    assert any_.loops[0].length_m == pytest.approx(4000)


def test_a_two_day_loop_ends_its_first_day_at_a_campsite_in_reach():
    ring = [
        ("a", "b", 5000),
        ("b", "c", 4000),
        ("c", "d", 3000),
        ("d", "e", 4000),
        ("e", "a", 4000),
    ]

    result = solve(
        draw(*ring), [at("a")], 20000, days=2, campsites={"c": "Refugi de Sorteny"}
    )

    stages = result.loops[0].stages
    assert [s.day for s in stages] == [1, 2]
    assert stages[0].end_node == "c"
    assert stages[0].campsite == "Refugi de Sorteny"
    assert sum(s.length_m for s in stages) == pytest.approx(20000)
    assert stages[1].end_node == "a"


def test_without_a_campsite_in_reach_days_split_at_the_most_even_junctions():
    ring = [
        ("a", "b", 3000),
        ("b", "c", 3000),
        ("c", "d", 3000),
        ("d", "e", 3000),
        ("e", "f", 3000),
        ("f", "a", 3000),
    ]

    result = solve(draw(*ring), [at("a")], 18000, days=3, campsites={"b": "Too early"})

    stages = result.loops[0].stages
    assert [round(s.length_m) for s in stages] == [6000, 6000, 6000]
    assert all(s.campsite is None for s in stages)


def test_results_are_json_friendly():
    result = solve(draw(*SQUARE), [at("a")], 4000, days=2)

    text = json.dumps(asdict(result))

    assert '"kind": "loop"' in text


def test_a_prepared_network_gives_the_same_answer():
    graph = draw(*SQUARE, ("a", "c", 1500))

    direct = solve(graph, [at("a")], 3500)
    prepared = solve(prepare(graph, keep=["a"]), [at("a")], 3500)
    # a start inside a chain of a prepared network is handled by preparing again
    unkept = solve(prepare(graph), [at("b")], 3500)

    assert [asdict(x) for x in direct.loops] == [asdict(x) for x in prepared.loops]
    assert unkept.loops[0].start.node == "b"


def test_it_rejects_nonsense_arguments():
    graph = draw(*SQUARE)
    for bad in (
        {"target_m": 0},
        {"target_m": 4000, "tolerance": 1.5},
        {"target_m": 4000, "days": 0},
    ):
        with pytest.raises(ValueError):
            solve(graph, [at("a")], **bad)


def test_pick_different_skips_a_walk_sharing_more_than_half():
    class Walk:
        def __init__(self, links):
            self.links = frozenset(links)
            self.distinct_m = float(len(links))

    first, same_ish, other = Walk({0, 1, 2, 3}), Walk({0, 1, 2, 9}), Walk({0, 1, 7, 8})
    link_m = [1.0] * 10

    assert pick_different([first, same_ish, other], 3, link_m) == [first, other]


def test_a_search_out_of_time_names_no_walk_far_from_the_length_as_the_closest():
    from types import SimpleNamespace

    from planner.solver.no_loop import near_misses

    # all a hurried search for 96 km saw: a 100 m walk and a 250 km one
    seen = SimpleNamespace(
        target=96_000.0, longest_below=(100.0, 0), shortest_above=(250_000.0, 1)
    )
    assert near_misses(seen, exhaustive=False) == []
    # a search that went through everything: that is what there is
    assert near_misses(seen, exhaustive=True) == [(100.0, 0), (250_000.0, 1)]
    near = SimpleNamespace(
        target=96_000.0, longest_below=(80_000.0, 0), shortest_above=(120_000.0, 1)
    )
    assert near_misses(near, exhaustive=False) == [(80_000.0, 0), (120_000.0, 1)]


def said(result) -> str:
    """Why the solver found no loop, as a hiker reads it in km."""
    return words(result.reason, "km")


def measured_twice(graph):
    """`solve(ground_twice=...)` as the planner gives it: the walk's line, from
    the drawing's segments, measured on the ground (planner/twice.py)."""
    lines = {k: d["coords"] for _, _, k, d in graph.edges(keys=True, data=True)}
    return lambda steps: twice.repeated_m(line_of(steps, graph, lines))


# Two ways drawn on one line from a to b but sharing no junction between: no
# segment says the loop over them walks its ground twice; its line does. And a
# loop through c and d, partly on road.
SIDE_BY_SIDE = [
    ("a", "b", 1000),
    ("a", "b", 1000, "track"),
    ("a", "c", 700, "road"),
    ("c", "d", 600),
    ("d", "a", 700, "road"),
]


def test_a_loop_whose_line_walks_ground_twice_ranks_after_a_clean_one():
    graph = draw(*SIDE_BY_SIDE)

    blind = solve(graph, [at("a")], 2000, tolerance=0.01)
    seen = solve(
        graph, [at("a")], 2000, tolerance=0.01, ground_twice=measured_twice(graph)
    )

    # the drawn ways cost less than road: by segments alone, a-b-a comes first
    assert [len(loop.steps) for loop in blind.loops] == [2, 3]
    assert blind.loops[0].repeated_m == 0
    # measured on the ground, it walks its whole length twice, less the turn
    clean, twice_over = seen.loops
    assert len(clean.steps) == 3 and clean.repeated_m == 0
    assert len(twice_over.steps) == 2
    assert twice_over.repeated_m == pytest.approx(
        repeated_m(line(graph, twice_over)), abs=1
    )
    assert twice_over.repeated_m > 1000


def test_the_only_loop_is_offered_though_it_walks_ground_twice_and_says_so():
    graph = draw(*SIDE_BY_SIDE[:2], ("a", "e", 1000))

    result = solve(
        graph, [at("a")], 2000, tolerance=0.01, ground_twice=measured_twice(graph)
    )

    [loop] = result.loops
    assert loop.kind == "loop"
    assert loop.repeated_m == pytest.approx(repeated_m(line(graph, loop)), abs=1)
