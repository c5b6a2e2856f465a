"""Done when: on every region in ../shared/data, a trail, a hut (where the region
has any), a waymarked route (where it has any) and a trailhead, picked at random
(seeded, so a failure can be replayed) and typed without accents or capitals,
appear in the first five results.

Each region is imported once for this module (Andorra is the session's). A name
several rows share (OSM's many "Parking" nodes, one path mapped as twelve ways)
cannot be told apart by typing it: then any row of that name and kind counts.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
from django.db.models import Q, Sum

from planner.search import SearchQuery, search
from trails.folding import fold
from trails.importers import import_file
from trails.models import Campsite, Source, Trail, Trailhead, WalkingRoute
from trails.tests.test_regions import REGIONS

SEED = 14
FIRST = 5


def typed(name: str) -> str:
    """As a hiker types it: no accents, no capitals; the punctuation kept."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.fixture(scope="module")
def regions(django_db_setup, django_db_blocker, andorra_db, shared_data):
    """Every region's source, by region id: imported once, for this module."""
    with django_db_blocker.unblock():
        made = []
        sources = {"andorra": andorra_db}
        for name, path, trailheads in REGIONS[1:]:
            source_name = f"search-{name}"
            import_file(
                shared_data / path,
                source_name,
                trailheads=shared_data / trailheads if trailheads else None,
            )
            made.append(source_name)
            sources[name] = Source.objects.get(name=source_name)
        yield sources
        Source.objects.filter(name__in=made).delete()


def walkable_trails(source):
    walkable = Q(segments__is_open=True) & (Q(flag="") | Q(flag_override=True))
    return (
        Trail.objects.filter(source=source)
        .exclude(name="")
        .exclude(kind=Trail.Kind.ROAD)
        .annotate(walk=Sum("segments__length_m", filter=walkable))
        .filter(walk__gt=0)
    )


def picks(source) -> dict[str, object]:
    rng = random.Random(f"{SEED}-{source.name}")
    rows = {
        "trail": list(walkable_trails(source).order_by("id")),
        "campsite": list(Campsite.objects.filter(source=source).exclude(name="")),
        "route": list(
            WalkingRoute.objects.filter(source=source, segments__is_open=True)
            .exclude(name="", ref="")
            .distinct()
            .order_by("id")
        ),
        "trailhead": list(
            Trailhead.objects.filter(source=source, junction__isnull=False)
            .exclude(name="")
            .order_by("id")
        ),
    }
    return {kind: rng.choice(found) for kind, found in rows.items() if found}


@pytest.mark.django_db
@pytest.mark.parametrize("region", [name for name, _, _ in REGIONS])
def test_a_random_trail_hut_route_and_trailhead_are_in_the_first_five(regions, region):
    source = regions[region]
    chosen = picks(source)
    assert "trail" in chosen, f"{region} has no named trail to search for"
    missed = []
    for kind, row in chosen.items():
        name = row.name or getattr(row, "ref", "")
        hits = search(SearchQuery(typed(name), limit=FIRST))
        same = [
            h
            for h in hits
            if h.type == kind
            and (
                h.id == row.id
                or (h.region == source.name and fold(h.name) == fold(str(row)))
            )
        ]
        if not same:
            missed.append((kind, name, [(h.type, h.name) for h in hits]))
    assert not missed
