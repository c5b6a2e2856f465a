"""Staff tools: look up, correct and close parts of the network.

Imported identifiers and geometry are read-only (the next import owns them); what
staff decide (names, difficulty, closures, trailhead positions, walking a flagged
trail anyway) is editable, and kept across re-imports: a field staff change is
marked as theirs (`staff_fields`) until they hand it back to the imports. Every
change moves the data version, so cached plans never show an edit's old state.
Waymarked routes come only from imports: staff look at them (their marks, length
and map) but do not add or edit them.
Staff with the right to add sources can also upload a file to import into a new
source, and with the rights to change and delete them, into one that exists (see
`trails/uploads.py`).
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from trails.geo import METRES_PER_MILE
from trails.importers import ImportFailed
from trails.models import (
    Campsite,
    DataVersion,
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
    WalkingRoute,
    extent,
    where,
)
from trails.uploads import UploadForm, limit_upload_size, run_upload

admin.site.site_header = "LoopGenie staff"
admin.site.site_title = "LoopGenie staff"
admin.site.index_title = "Trail data"

MAP_MEDIA = forms.Media(
    css={"all": ["leaflet/leaflet.css", "trails/admin_map.css"]},
    js=["leaflet/leaflet.js", "trails/admin_map.js"],
)


def map_preview(features: dict) -> str:
    """A small map the admin's script draws; the data travels in a data- attribute."""
    return format_html(
        '<div class="lg-admin-map" data-geojson="{}"></div>', json.dumps(features)
    )


def line_feature(coords: list, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [c[:2] for c in coords]},
        "properties": props,
    }


def segments_map(segments: QuerySet) -> str:
    """A map of some segments (a trail's, a route's), each marked open or closed."""
    return map_preview(
        {
            "type": "FeatureCollection",
            "features": [
                line_feature(s.geometry, open=s.is_open, segment=s.pk)
                for s in segments.order_by("id").only("id", "geometry", "is_open")
            ],
        }
    )


def point_feature(lon: float, lat: float, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


class BumpsDataVersion:
    """Admin mixin: a staff change makes the cached plans and graphs of the
    ground it touches stale (where the thing was and where it is now)."""

    def save_model(self, request, obj, form, change):
        old = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        before = where(old) if old is not None else []
        super().save_model(request, obj, form, change)
        after = where(obj)
        both = None if before is None or after is None else before + after
        DataVersion.bump(both)

    def delete_model(self, request, obj):
        ground = where(obj)
        super().delete_model(request, obj)
        DataVersion.bump(ground)

    def delete_queryset(self, request, queryset):
        grounds = [where(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        unknown = any(g is None for g in grounds)
        DataVersion.bump(None if unknown else [b for g in grounds for b in g])


class RecordsStaffFields:
    """Admin mixin: the fields of `staff_owned` that staff change are marked as
    theirs, so a re-import keeps them; an action hands them back to the imports."""

    staff_owned: tuple[str, ...] = ()
    actions = ["forget_staff_fields"]

    def save_model(self, request, obj, form, change):
        changed = {name for name in self.staff_owned if name in form.changed_data}
        obj.staff_fields = sorted(set(obj.staff_fields) | changed)
        super().save_model(request, obj, form, change)

    @admin.display(description="kept from imports")
    def kept_from_imports(self, obj) -> str:
        return ", ".join(obj.staff_fields) or "-"

    @admin.action(description="Let the next import set what staff changed again")
    def forget_staff_fields(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = queryset.update(staff_fields=[])
        self.message_user(
            request,
            f"The next import sets the names, difficulty and positions of {n} rows "
            "from the file again.",
            messages.SUCCESS,
        )


@admin.register(Source)
class SourceAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = [
        "name",
        "format",
        "imported_at",
        "trail_count",
        "segment_count",
        "trailhead_count",
        "campsite_count",
        "km",
    ]
    search_fields = ["name", "attribution"]
    readonly_fields = [
        "format",
        "imported_at",
        "trail_count",
        "segment_count",
        "junction_count",
        "trailhead_count",
        "campsite_count",
        "km",
    ]
    change_list_template = "admin/trails/source/change_list.html"

    def get_urls(self):
        upload = limit_upload_size(self.admin_site.admin_view(self.upload_view))
        return [
            path("upload/", upload, name="trails_source_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Import an uploaded trail file or elevation tile, like the commands do."""
        rights = {
            "may_add": self.has_add_permission(request),
            "may_change": self.has_change_permission(request),
            "may_delete": self.has_delete_permission(request),
        }
        if not (rights["may_add"] or rights["may_change"]):
            raise PermissionDenied
        refused = request.upload_limit.refused  # files skipped as too large
        form = UploadForm(
            request.POST or None, request.FILES or None, refused=refused, **rights
        )
        if request.method == "POST" and form.is_valid():
            try:
                first, *rest = run_upload(form.cleaned_data)
            except ImportFailed as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, first, messages.SUCCESS)
                for line in rest:
                    self.message_user(request, line, messages.INFO)
                if form.cleaned_data["dry_run"]:
                    return redirect("admin:trails_source_upload")
                return redirect("admin:trails_source_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload trail data or elevation",
            "form": form,
            "max_upload_mb": settings.MAX_UPLOAD_MB,
        }
        return TemplateResponse(request, "admin/trails/source/upload.html", context)


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["is_open", "closed_reason", "ascent_m", "descent_m"]

    def clean_closed_reason(self) -> str:
        reason = self.cleaned_data["closed_reason"].strip()
        if not self.cleaned_data.get("is_open", True) and not reason:
            raise forms.ValidationError(
                "Say why the segment is closed (for example: washed out, winter only); "
                "hikers see this reason."
            )
        return reason

    def clean_ascent_m(self):
        return _not_negative(self.cleaned_data["ascent_m"], "Ascent")

    def clean_descent_m(self):
        return _not_negative(self.cleaned_data["descent_m"], "Descent")


def _not_negative(value: float | None, what: str) -> float | None:
    if value is not None and not 0 <= value <= 10_000:
        raise forms.ValidationError(f"{what} is metres of climb: between 0 and 10,000.")
    return value


class SegmentInline(admin.TabularInline):
    model = Segment
    form = SegmentForm  # its rule too: no closing without a reason
    fields = [
        "external_id",
        "length_m",
        "ascent_m",
        "descent_m",
        "is_open",
        "closed_reason",
    ]
    readonly_fields = ["external_id", "length_m", "ascent_m", "descent_m"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class TrailForm(forms.ModelForm):
    class Meta:
        model = Trail
        fields = ["name", "kind", "difficulty", "flag_override"]

    def clean_flag_override(self) -> bool:
        override = self.cleaned_data["flag_override"]
        if override and not self.instance.flag and "flag_override" in self.changed_data:
            raise forms.ValidationError(
                "The data does not flag this trail, so planning already uses it: "
                "there is nothing to override."
            )
        return override


@admin.register(Trail)
class TrailAdmin(RecordsStaffFields, BumpsDataVersion, admin.ModelAdmin):
    form = TrailForm
    staff_owned = ("name", "kind", "difficulty")
    list_display = [
        "__str__",
        "kind",
        "difficulty",
        "flag",
        "flag_override",
        "source",
        "length_km",
    ]
    list_filter = ["flag", "flag_override", "kind", "difficulty", "source"]
    search_fields = ["name", "external_id"]
    list_select_related = ["source"]
    readonly_fields = [
        "source",
        "external_id",
        "kept_from_imports",
        "flag",
        "flag_meaning",
        "map",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "difficulty",
                    "source",
                    "external_id",
                    "kept_from_imports",
                ]
            },
        ),
        (
            "Whether hikers may walk it",
            {
                "fields": ["flag", "flag_meaning", "flag_override"],
                "description": (
                    "The flag is the data's say (OpenStreetMap access and use tags), "
                    "set again by every import. Planning leaves a flagged trail out "
                    "unless you tick the box below; your decision is kept across "
                    "re-imports."
                ),
            },
        ),
        (None, {"fields": ["map"]}),
    ]
    inlines = [SegmentInline]

    @property
    def media(self):
        return super().media + MAP_MEDIA

    @admin.display(description="length (km)")
    def length_km(self, obj: Trail) -> str:
        return f"{sum(s.length_m for s in obj.segments.all()) / 1000:.2f}"

    @admin.display(description="what it means for planning")
    def flag_meaning(self, obj: Trail) -> str:
        if not obj.flag:
            return "Not flagged: planning uses it wherever its segments are open."
        if obj.flag_override:
            return (
                f"{obj.get_flag_display()}. Staff decided hikers may walk it anyway, "
                "so planning uses it."
            )
        return (
            f"{obj.get_flag_display()}. Planning leaves this trail out unless "
            "“plan on it despite the flag” is ticked."
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("segments")

    @admin.display(description="map")
    def map(self, obj: Trail) -> str:
        return segments_map(obj.segments.all())


@admin.register(Segment)
class SegmentAdmin(BumpsDataVersion, admin.ModelAdmin):
    form = SegmentForm
    list_display = [
        "__str__",
        "trail_kind",
        "miles_display",
        "ascent_m",
        "is_open",
        "closed_reason",
    ]
    list_filter = ["is_open", "trail__kind", "source"]
    search_fields = ["trail__name", "external_id", "closed_reason"]
    list_select_related = ["trail", "source"]
    readonly_fields = [
        "source",
        "external_id",
        "trail",
        "start",
        "end",
        "length_m",
        "other_names_display",
        "on_routes",
        "map",
    ]
    fields = [
        "trail",
        "source",
        "external_id",
        "start",
        "end",
        "length_m",
        "ascent_m",
        "descent_m",
        "is_open",
        "closed_reason",
        "other_names_display",
        "on_routes",
        "map",
    ]
    actions = ["close_segments", "reopen_segments"]

    @property
    def media(self):
        return super().media + MAP_MEDIA

    @admin.display(description="kind", ordering="trail__kind")
    def trail_kind(self, obj: Segment) -> str:
        return obj.trail.get_kind_display()

    @admin.display(description="miles", ordering="length_m")
    def miles_display(self, obj: Segment) -> str:
        return f"{obj.length_m / METRES_PER_MILE:.2f}"

    @admin.display(description="also mapped as")
    def other_names_display(self, obj: Segment) -> str:
        return "; ".join(obj.other_names) or "-"

    @admin.display(description="waymarked routes")
    def on_routes(self, obj: Segment) -> str:
        routes = obj.routes.order_by("network", "ref", "name")
        if not routes:
            return "-"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:trails_walkingroute_change", args=[r.pk]), str(r))
                for r in routes
            ),
        )

    @admin.display(description="map")
    def map(self, obj: Segment) -> str:
        return map_preview(line_feature(obj.geometry, open=obj.is_open))

    @admin.action(description="Close the selected segments (left out of planning)")
    def close_segments(self, request: HttpRequest, queryset: QuerySet) -> None:
        ground = extent(queryset)
        n = queryset.update(is_open=False, closed_reason="Closed by staff")
        DataVersion.bump([] if ground is None else [ground])
        self.message_user(request, f"Closed {n} segments.", messages.SUCCESS)

    @admin.action(description="Reopen the selected segments")
    def reopen_segments(self, request: HttpRequest, queryset: QuerySet) -> None:
        ground = extent(queryset)
        n = queryset.update(is_open=True, closed_reason="")
        DataVersion.bump([] if ground is None else [ground])
        self.message_user(request, f"Reopened {n} segments.", messages.SUCCESS)


@admin.register(WalkingRoute)
class WalkingRouteAdmin(BumpsDataVersion, admin.ModelAdmin):
    """Waymarked routes as the last import found them: to look at, not to edit."""

    list_display = [
        "name",
        "ref",
        "network",
        "marks",
        "km",
        "segment_count",
        "source",
    ]
    list_filter = ["network", "source"]
    search_fields = ["name", "ref", "operator"]
    list_select_related = ["source"]
    fields = [
        "name",
        "ref",
        "network",
        "marks",
        "colour",
        "symbol",
        "operator",
        "km",
        "segment_count",
        "source",
        "external_id",
        "map",
    ]
    readonly_fields = fields

    @property
    def media(self):
        return super().media + MAP_MEDIA

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(metres=Sum("segments__length_m"), segments_n=Count("segments"))
        )

    def has_add_permission(self, request):
        return False  # routes come from imports, keyed on their source's ids

    def has_change_permission(self, request, obj=None):
        return False  # every field is the import's; staff view them

    @admin.display(description="marks")
    def marks(self, obj: WalkingRoute) -> str:
        return obj.marks or "-"

    @admin.display(description="km", ordering="metres")
    def km(self, obj: WalkingRoute) -> str:
        return f"{(obj.metres or 0) / 1000:.1f}"

    @admin.display(description="segments", ordering="segments_n")
    def segment_count(self, obj: WalkingRoute) -> int:
        return obj.segments_n

    @admin.display(description="map")
    def map(self, obj: WalkingRoute) -> str:
        return segments_map(obj.segments.all())


@admin.register(Junction)
class JunctionAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["id", "lat", "lon", "elevation", "source"]
    list_filter = ["source"]
    search_fields = ["external_id"]
    list_select_related = ["source"]
    readonly_fields = ["source", "external_id", "lat", "lon"]


class PointAdmin(RecordsStaffFields, BumpsDataVersion, admin.ModelAdmin):
    """Trailheads and campsites: moving one re-attaches it to the network."""

    staff_owned = ("name", "kind", "lat", "lon", "elevation")
    list_display = ["__str__", "kind", "lat", "lon", "attached", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "external_id"]
    list_select_related = ["source", "junction"]
    readonly_fields = [
        "source",
        "external_id",
        "junction",
        "attach_m",
        "kept_from_imports",
        "map",
    ]
    fields = ["name", "kind", "lat", "lon", "elevation"] + readonly_fields

    @property
    def media(self):
        return super().media + MAP_MEDIA

    @admin.display(description="attached to network", boolean=True)
    def attached(self, obj) -> bool:
        return obj.junction_id is not None

    @admin.display(description="map")
    def map(self, obj) -> str:
        if obj.pk is None:
            return "-"
        features = [point_feature(obj.lon, obj.lat, name=obj.name)]
        if obj.junction:
            features.append(
                point_feature(obj.junction.lon, obj.junction.lat, junction=True)
            )
        return map_preview({"type": "FeatureCollection", "features": features})

    def save_model(self, request, obj, form, change):
        if not change or {"lat", "lon"} & set(form.changed_data):
            obj.attach_to_network()
            if obj.junction is None:
                self.message_user(
                    request,
                    f"{obj} is not within reach of any open trail, so planning will "
                    "not start from it until it is moved closer.",
                    messages.WARNING,
                )
        super().save_model(request, obj, form, change)


@admin.register(Trailhead)
class TrailheadAdmin(PointAdmin):
    pass


@admin.register(Campsite)
class CampsiteAdmin(PointAdmin):
    pass
