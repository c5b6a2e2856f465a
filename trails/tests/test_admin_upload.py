"""The staff upload page: the same importers as the commands, behind the admin
login, with a size limit that refuses a huge file before anything parses it."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trails.models import Segment, Source, Trailhead
from trails.tests.features import line, point

pytestmark = pytest.mark.django_db

URL = reverse("admin:trails_source_upload")
A, B, C = [1.5218, 42.5063], [1.5218, 42.5113], [1.5218, 42.5163]  # Andorra


def geojson(*features, name="parks.geojson") -> SimpleUploadedFile:
    doc = {"type": "FeatureCollection", "features": list(features)}
    return SimpleUploadedFile(name, json.dumps(doc).encode())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_sources_page_links_to_the_upload_page(staff_client):
    page = staff_client.get(reverse("admin:trails_source_changelist"))
    assert URL in page.content.decode()
    form = staff_client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in form and "up to 25 MB" in form


def test_staff_upload_a_geojson_file_with_trailheads_and_see_the_summary(
    staff_client,
):
    response = staff_client.post(
        URL,
        {
            "file": geojson(line([A, B, C], fid="ridge", name="Ridge")),
            "trailheads": geojson(point(*A, name="Lot"), name="lots.geojson"),
            "source": "Parks",
            "attribution": "© Example Parks",
            "licence": "CC-BY 4.0",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:trails_source_changelist")
    shown = messages_of(response)
    assert shown[0].startswith("Imported geojson into source 'Parks': 1 trails")
    assert "segments: 1 created, 0 updated, 0 unchanged, 0 deleted" in shown
    parks = Source.objects.get(name="Parks")
    assert (parks.attribution, parks.licence) == ("© Example Parks", "CC-BY 4.0")
    assert Trailhead.objects.get(source=parks).name == "Lot"


def test_the_same_upload_again_is_recognised_and_says_so(staff_client):
    def upload():
        return {
            "file": geojson(line([A, B, C], fid="ridge", name="Ridge")),
            "trailheads": geojson(point(*A, name="Lot"), name="lots.geojson"),
            "source": "Parks",
        }

    first = staff_client.post(URL, upload(), follow=True)
    assert messages_of(first)[0].startswith("Imported geojson into source 'Parks'")
    response = staff_client.post(URL, upload(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:trails_source_changelist")
    shown = messages_of(response)
    assert shown[0].startswith(
        "Unchanged: parks.geojson is the file imported into source 'Parks' on "
    )
    assert shown[1].startswith("Source 'Parks' holds 1 trails, 1 segments")


def test_a_gpx_upload_without_a_source_name_is_named_after_the_file(staff_client):
    track = (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        '<trkpt lat="42.5063" lon="1.5218"><ele>1020</ele></trkpt>'
        '<trkpt lat="42.5113" lon="1.5218"><ele>1160</ele></trkpt>'
        "</trkseg></trk></gpx>"
    )
    upload = SimpleUploadedFile("Morning walk.gpx", track.encode())
    staff_client.post(URL, {"file": upload})
    assert Segment.objects.get(source__name="Morning walk").ascent_m == 140


def test_staff_upload_an_elevation_tile_for_a_source(staff_client, shared_data):
    staff_client.post(
        URL, {"file": geojson(line([A, B, C])), "source": "Parks"}, follow=True
    )
    tile = shared_data / "dem" / "N42E001.hgt.zip"
    upload = SimpleUploadedFile("N42E001.hgt.zip", tile.read_bytes())
    response = staff_client.post(URL, {"file": upload, "source": "Parks"}, follow=True)
    assert messages_of(response)[0].startswith(
        "Added elevation from 1 tile (N42E001) to 'Parks': 1 of 1 segments"
    )
    assert Segment.objects.get(source__name="Parks").ascent_m > 300


def test_a_check_only_upload_reports_and_writes_nothing(staff_client, snapshot):
    before = snapshot()
    response = staff_client.post(
        URL, {"file": geojson(line([A, B])), "dry_run": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == URL
    assert messages_of(response)[0].startswith("Would import geojson")
    assert snapshot() == before


@pytest.mark.parametrize(
    "upload, extra, reason",
    [
        (
            SimpleUploadedFile("broken.geojson", b'{"type": "FeatureCollection", '),
            {},
            "broken.geojson: not valid JSON",
        ),
        (
            SimpleUploadedFile("N42E001.hgt", b"\x00\x01" * 1000),
            {},
            "N42E001.hgt: a tile of 2,000 bytes is not SRTM",
        ),
        (
            SimpleUploadedFile(
                "bomb.gpx",
                b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]>'
                b'<gpx version="1.1"><trk><name>&a;</name></trk></gpx>',
            ),
            {},
            "bomb.gpx: the XML has a document type declaration",
        ),
        (
            SimpleUploadedFile("notes.txt", b"just some notes"),
            {},
            "notes.txt: not a supported format",
        ),
    ],
    ids=["broken GeoJSON", "wrong-size tile", "entity bomb", "not a trail file"],
)
def test_a_bad_upload_shows_the_error_and_changes_nothing(
    staff_client, snapshot, upload, extra, reason
):
    before = snapshot()
    response = staff_client.post(URL, {"file": upload, **extra})
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert message.startswith(reason)
    assert "/tmp" not in message  # named as uploaded, not by its temporary copy
    assert snapshot() == before


def test_a_huge_upload_is_refused_before_it_is_parsed(
    staff_client, snapshot, settings, monkeypatch
):
    settings.MAX_UPLOAD_MB = 1

    def must_not_run(*args, **kwargs):
        raise AssertionError("a refused upload reached the importer")

    monkeypatch.setattr("trails.uploads.import_file", must_not_run)
    before = snapshot()
    huge = geojson(line([A, B], padding="x" * 1_100_000), name="huge.geojson")
    response = staff_client.post(URL, {"file": huge, "source": "Parks"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is over the upload limit of 1 MB" in page
    assert response.context["form"]["source"].value() == "Parks"  # the rest arrived
    assert snapshot() == before


def test_a_tile_goes_without_a_trailheads_file_and_to_a_source_that_exists(
    staff_client,
):
    response = staff_client.post(
        URL,
        {
            "file": SimpleUploadedFile("N42E001.hgt", b"\x00\x00"),
            "trailheads": geojson(point(*A, name="Lot")),
            "source": "Nowhere",
        },
    )
    page = response.content.decode()
    assert "A trailheads file goes with trails." in page
    assert "There is no source named “Nowhere”." in page


def test_anonymous_users_and_hikers_are_sent_to_the_login_page(
    client, django_user_model, snapshot
):
    before = snapshot()
    hiker = django_user_model.objects.create_user("hiker")
    for user in (None, hiker):
        if user:
            client.force_login(user)
        assert "/admin/login/" in client.get(URL)["Location"]
        response = client.post(URL, {"file": geojson(line([A, B]))})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert snapshot() == before


def test_staff_without_the_right_to_add_sources_are_refused(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": geojson(line([A, B]))}).status_code == 403
    assert not Source.objects.filter(name="parks").exists()


def clerk_with(client, django_user_model, *rights: str):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    for codename in ("view_source", *rights):
        clerk.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(clerk)
    return client


def test_replacing_a_source_needs_the_rights_to_change_and_delete_it(
    client, django_user_model, snapshot
):
    Source.objects.create(name="Parks")
    clerk = clerk_with(client, django_user_model, "add_source", "change_source")
    before = snapshot()
    for data in (
        {"source": "Parks"},
        {},  # the file's name names it too
    ):
        upload = geojson(line([A, B]), name="Parks.geojson")
        response = clerk.post(URL, {"file": upload, **data})
        assert response.status_code == 200
        assert (
            "The source “Parks” exists: importing into it rewrites and deletes its "
            "trails, which needs the permissions to change and delete sources."
        ) in response.content.decode()
    assert snapshot() == before
    response = clerk.post(URL, {"file": geojson(line([A, B])), "source": "New"})
    assert response.status_code == 302  # a new source: adding is enough
    assert Segment.objects.filter(source__name="New").count() == 1


def test_staff_who_may_change_and_delete_but_not_add_replace_but_do_not_create(
    client, django_user_model
):
    Source.objects.create(name="Parks")
    clerk = clerk_with(client, django_user_model, "change_source", "delete_source")
    response = clerk.post(URL, {"file": geojson(line([A, B])), "source": "Parks"})
    assert response.status_code == 302
    response = clerk.post(URL, {"file": geojson(line([A, B])), "source": "Other"})
    assert "making one needs the permission to add sources" in (
        response.content.decode()
    )
    assert not Source.objects.filter(name="Other").exists()


def test_adding_elevation_needs_the_right_to_change_sources(client, django_user_model):
    clerk = clerk_with(client, django_user_model, "add_source")
    upload = SimpleUploadedFile("N42E001.hgt", b"\x00\x00")
    response = clerk.post(URL, {"file": upload})
    assert "needs the permission to change them" in response.content.decode()


def test_an_upload_that_would_empty_a_source_asks_for_the_box_to_be_ticked(
    staff_client, snapshot
):
    lines = [line([[1.5 + n / 100, 42.5], [1.5 + n / 100, 42.51]]) for n in range(3)]
    staff_client.post(URL, {"file": geojson(*lines), "source": "Parks"}, follow=True)
    before = snapshot()
    tiny = {"file": geojson(lines[0], name="tiny.geojson"), "source": "Parks"}
    response = staff_client.post(URL, tiny)
    (message,) = messages_of(response)
    assert message.startswith(
        "tiny.geojson: the import would delete 2 of the 3 segments of source 'Parks'"
    )
    assert snapshot() == before
    tiny = {"file": geojson(lines[0], name="tiny.geojson"), "source": "Parks"}
    staff_client.post(URL, {**tiny, "allow_shrink": "on"})
    assert Segment.objects.filter(source__name="Parks").count() == 1
