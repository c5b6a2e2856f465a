"""What each real region's network is made of, as the importer builds it.

    .venv/bin/python bench/network_stats.py

Parses every region in ../shared/data (no database) and prints one markdown table:
km of foot way and of road connectors, km on waymarked routes and their number,
ground that several ways mapped twice and that is now one segment, flagged km by
reason (left out of planning), connected components and the largest one, the
largest part of the foot-only network that has cycles (no loop on foot alone can
be longer), and the time to parse and build. Figures for docs/benchmarks.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

from bench.regions_bench import DATA, REGIONS  # noqa: E402  the same regions
from trails.formats import read_network  # noqa: E402
from trails.network import CONNECTOR_KINDS  # noqa: E402


def largest_foot_cycle_km(network) -> float:
    """The biggest 2-edge-connected part of the network without roads or flags."""
    kinds = {t.key: t.kind for t in network.trails}
    foot = nx.Graph()
    for s in network.segments:
        if kinds[s.trail] not in CONNECTOR_KINDS and not s.flag and s.start != s.end:
            if foot.has_edge(s.start, s.end):
                foot.edges[s.start, s.end]["m"] += s.length_m  # parallel: same part
            else:
                foot.add_edge(s.start, s.end, m=s.length_m)
    best = 0.0
    for part in nx.k_edge_components(foot, 2):
        if len(part) > 1:
            sub = foot.subgraph(part)
            best = max(best, sum(d["m"] for *_, d in sub.edges(data=True)))
    return best / 1000


def main() -> None:
    print(
        "| region | foot km | road km | routes | km on routes | merged km "
        "| flagged km (by reason) | components | largest km | largest foot-cycle "
        "part km | parse s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (path, trailheads) in REGIONS.items():
        t0 = time.perf_counter()
        parsed = read_network(
            DATA / path, trailheads=DATA / trailheads if trailheads else None
        )
        seconds = time.perf_counter() - t0
        net = parsed.network
        kinds = {t.key: t.kind for t in net.trails}
        road = sum(s.length_m for s in net.segments if kinds[s.trail] == "road")
        foot = net.length_m - road
        s = net.summary()
        flagged = ", ".join(f"{k} {v}" for k, v in net.flagged_km().items()) or "0"
        print(
            f"| {name} | {foot / 1000:,.1f} | {road / 1000:,.1f} | {s['routes']} "
            f"| {s['route_km']} | {s['merged_km']} | {s['flagged_km']} ({flagged}) "
            f"| {s['components']} | {s['largest_component_km']} "
            f"| {largest_foot_cycle_km(net):,.1f} | {seconds:.2f} |"
        )


if __name__ == "__main__":
    main()
