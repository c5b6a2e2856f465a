"""How much of the offered walks is on ways with motor traffic, judged on the raw
OpenStreetMap tags of their ways, not on the kinds the import gave them.

    .venv/bin/python bench/motor_roads.py [--regions lauf,oslo-east]

`regions_bench.py` counts foot way by the imported kind, so a change to how the
import classifies ways moves its figure by the relabelling alone. This bench
asks the same questions (`regions_bench.py`'s six start points x 3, 5, 8, 12
and 18 miles, 10-mile drive, one day, through the API) and counts each walk's
metres on ways whose OSM tags say motor traffic: residential, service,
unclassified, tertiary and living streets, and cycleways without a foot
permission. Run it in two trees (a worktree of the older commit) to compare
two imports on the same yardstick. OSM regions only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import osmium

sys.path.insert(0, str(Path(__file__).resolve().parent))
import regions_bench as rb  # noqa: E402

MOTOR = {"residential", "service", "unclassified", "tertiary", "living_street"}
FOOT_ALLOWED = {"yes", "designated", "permissive", "official"}
OSM_REGIONS = ["andorra", "krems", "lauf", "north-bayreuth", "oslo-east"]


def motor_ways(path: Path) -> set[int]:
    """Ids of the ways in the file that carry motor traffic (see above)."""
    found: set[int] = set()

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            highway = w.tags.get("highway")
            if highway in MOTOR or (
                highway == "cycleway" and w.tags.get("foot") not in FOOT_ALLOWED
            ):
                found.add(w.id)

    Ways().apply_file(str(path))
    return found


def way_of(external_id: str) -> int | None:
    """The OSM way a segment came from (`w123/4`), None for other sources."""
    head = external_id[1:].split("/")[0]
    return int(head) if external_id.startswith("w") and head.isdigit() else None


def region(name: str) -> str:
    from django.core.cache import cache
    from django.test import Client

    from trails.models import Segment

    source = rb.import_region(name)
    motor = motor_ways(rb.DATA / rb.REGIONS[name][0])
    ways = {
        sid: way_of(ext)
        for sid, ext in Segment.objects.filter(source=source).values_list(
            "id", "external_id"
        )
    }
    client = Client()
    shares, firsts = [], []
    for lat, lon in rb.start_points(source, rb.STARTS):
        for hike in rb.HIKES_MI:
            cache.clear()
            params = {"lat": lat, "lon": lon, "drive_miles": rb.DRIVE_MI}
            params.update(days=rb.DAYS, hike_miles=hike)
            doc = client.get("/api/plan", params).json()
            for rank, walk in enumerate(doc.get("loops", [])):
                miles = [
                    (s["miles"] or 0, ways.get(s["segment_id"]))
                    for s in walk["segments"]
                ]
                total = sum(m for m, _ in miles)
                if total:
                    share = sum(m for m, w in miles if w in motor) / total
                    shares.append(share)
                    if rank == 0:
                        firsts.append(share)
    return (
        f"| {name} | {len(shares)} | {statistics.median(shares):.1%} | "
        f"{statistics.median(firsts):.1%} | {statistics.mean(shares):.1%} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", default=",".join(OSM_REGIONS))
    names = [n for n in parser.parse_args().regions.split(",") if n]
    with tempfile.TemporaryDirectory() as tmp:
        rb.setup(tmp)
        print(
            "| region | walks | on motor roads, median | first walks, median | mean |"
        )
        print("|---|---|---|---|---|")
        for name in names:
            print(region(name), flush=True)


if __name__ == "__main__":
    main()
