"""Staff upload a trail file or an elevation tile in the admin; the same importer
functions as the commands do the work.

Two guards against a huge upload: `limit_upload_size` stops reading a file once it
is over `settings.MAX_UPLOAD_MB` (so it never reaches the disk), and the form then
refuses it with the limit in the message, before any parser sees it. A gzip or
bzip2 file is also unpacked once, counting, and refused when it unpacks to more than
`UNPACK_RATIO` times the upload limit (a small bomb would otherwise fill the memory
of the parser). Accepted uploads are written to a temporary folder under their own
names (the format and a tile's corner come from the name and the first bytes) and
deleted afterwards.

Importing into a new source needs the permission to add sources; into one that
exists, the permissions to change and delete them (the import rewrites and deletes
its rows); adding elevation, the permission to change them.
"""

from __future__ import annotations

import bz2
import gzip
import re
import tempfile
import zlib
from collections.abc import Callable, Collection
from functools import wraps
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.utils.text import get_valid_filename
from django.views.decorators.csrf import csrf_exempt

from trails.elevation import add_elevation, load_tiles
from trails.importers import ImportFailed, default_source_name, import_file
from trails.models import Source

TILE_NAME = re.compile(r"\.hgt(\.zip)?$", re.IGNORECASE)
# OpenStreetMap XML packs about ten to one with gzip, fifteen with bzip2: a file that
# unpacks to twenty times the upload limit is a bomb, or belongs on the server.
UNPACK_RATIO = 20
PACKED = {b"\x1f\x8b": gzip.open, b"BZh": bz2.open}
CHUNK = 1024 * 1024


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def max_unpacked_bytes() -> int:
    return max_upload_bytes() * UNPACK_RATIO


def is_tile(name: str) -> bool:
    return bool(TILE_NAME.search(name))


class UploadLimit(FileUploadHandler):
    """Skips an uploaded file as soon as it is over the limit, before it is written
    anywhere; `refused` names the form fields whose files were skipped."""

    def __init__(self, request: HttpRequest, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.refused: set[str] = set()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_bytes:
            self.refused.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file


def limit_upload_size(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Put `UploadLimit` in front of the request's upload handlers.

    Handlers can only change before the body is read, and the CSRF check reads it:
    so this wrapper is exempt and the wrapped (admin) view checks the token.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_limit = UploadLimit(request, max_upload_bytes())
        request.upload_handlers.insert(0, request.upload_limit)
        return view(request, *args, **kwargs)

    return wrapped


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="Trails: OpenStreetMap (.osm.pbf, .osm, .osm.gz, .osm.bz2), "
        "GeoJSON or GPX. Elevation: an SRTM tile (.hgt or .hgt.zip, named like "
        "N42E001.hgt.zip)."
    )
    trailheads = forms.FileField(
        required=False,
        help_text="Optional, with a GeoJSON or GPX trail file: GeoJSON or GPX points "
        "of trailheads, parking and campgrounds.",
    )
    source = forms.CharField(
        required=False,
        max_length=200,
        help_text="Trails: the source to import into, new or existing (default: the "
        "file name). A tile: the source to add elevation to (default: every source).",
    )
    attribution = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Credit shown wherever this data is displayed, e.g. "
        "“© OpenStreetMap contributors”.",
    )
    licence = forms.CharField(required=False, max_length=200)
    dry_run = forms.BooleanField(
        required=False,
        label="Check only",
        help_text="Read the file and report what would change; write nothing.",
    )
    allow_shrink = forms.BooleanField(
        required=False,
        label="Allow a large shrink",
        help_text="Import even if it deletes more than half of the source's "
        "segments (the file is a smaller area, or the trails really are gone).",
    )

    def __init__(
        self,
        *args: Any,
        refused: Collection[str] = (),
        may_add: bool = True,
        may_change: bool = True,
        may_delete: bool = True,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.refused = refused
        self.may_add, self.may_change, self.may_delete = may_add, may_change, may_delete
        for name in refused:  # say why the file is missing, not that it is
            self.fields[name].required = False

    def _limited(self, field: str) -> UploadedFile | None:
        upload = self.cleaned_data.get(field)
        if field in self.refused or (upload and upload.size > max_upload_bytes()):
            raise forms.ValidationError(
                f"The file is over the upload limit of {settings.MAX_UPLOAD_MB} MB. "
                "Import it on the server with manage.py import_trails (or "
                "add_elevation) instead."
            )
        return upload

    def clean_file(self) -> UploadedFile:
        return self._limited("file")

    def clean_trailheads(self) -> UploadedFile | None:
        return self._limited("trailheads")

    def clean_source(self) -> str:
        return self.cleaned_data["source"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload, source = data.get("file"), data.get("source")
        if upload and is_tile(upload.name):
            if data.get("trailheads"):
                self.add_error("trailheads", "A trailheads file goes with trails.")
            if source and not Source.objects.filter(name=source).exists():
                self.add_error("source", f"There is no source named “{source}”.")
            if not self.may_change:
                self.add_error(
                    "file",
                    "Adding elevation changes sources: that needs the permission "
                    "to change them.",
                )
        elif upload:
            self._check_rights(source or default_source_name(upload.name))
        return data

    def _check_rights(self, name: str) -> None:
        where = "source" if self.cleaned_data.get("source") else "file"
        if Source.objects.filter(name=name).exists():
            if not (self.may_change and self.may_delete):
                self.add_error(
                    where,
                    f"The source “{name}” exists: importing into it rewrites and "
                    "deletes its trails, which needs the permissions to change and "
                    "delete sources.",
                )
        elif not self.may_add:
            self.add_error(
                where,
                f"There is no source named “{name}”, and making one needs the "
                "permission to add sources.",
            )


def run_upload(data: dict[str, Any]) -> list[str]:
    """Import a valid form's upload; the summary's lines, or ImportFailed."""
    upload: UploadedFile = data["file"]
    with tempfile.TemporaryDirectory(prefix="loopgenie-upload-") as folder:
        path = _save(upload, Path(folder) / "file")
        _refuse_a_bomb(path, upload.name)
        if is_tile(upload.name):
            model = load_tiles([path], labels=[upload.name])
            report = add_elevation(
                model, data["source"] or None, dry_run=data["dry_run"]
            )
        else:
            trailheads = data.get("trailheads")
            if trailheads:
                trailheads = _save(trailheads, Path(folder) / "trailheads")
            report = import_file(
                path,
                data["source"] or None,
                attribution=data["attribution"],
                licence=data["licence"],
                dry_run=data["dry_run"],
                label=upload.name,
                allow_shrink=data["allow_shrink"],
                trailheads=trailheads,
            )
    return report.lines()


def _save(upload: UploadedFile, folder: Path) -> Path:
    """Write an upload into `folder` under (a safe form of) its own name."""
    try:
        name = get_valid_filename(Path(upload.name).name)
    except SuspiciousFileOperation:
        name = "upload"
    folder.mkdir()
    path = folder / name
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def _refuse_a_bomb(path: Path, label: str) -> None:
    """Unpack a gzip or bzip2 upload once, counting, and refuse it past the cap.

    A broken archive passes here: the importer names what is wrong with it.
    """
    with open(path, "rb") as fh:
        head = fh.read(3)
    open_ = next((o for magic, o in PACKED.items() if head.startswith(magic)), None)
    if open_ is None:
        return
    limit, unpacked = max_unpacked_bytes(), 0
    try:
        with open_(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > limit:
                    raise ImportFailed(
                        f"{label}: unpacked, it is over the limit of "
                        f"{limit // (1024 * 1024):,} MB ({UNPACK_RATIO} times the "
                        "upload limit). Import it on the server with manage.py "
                        "import_trails instead."
                    )
    except (OSError, EOFError, zlib.error):
        return
