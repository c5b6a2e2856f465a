"""Trails, segments, junctions and waymarked routes: staff rename, grade and
close them, and override a flag; routes are the imports' and only looked at."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join

from trails.admin.forms import SegmentForm, TrailForm
from trails.admin.maps import MAP_MEDIA, line_feature, map_preview, segments_map
from trails.admin.mixins import BumpsDataVersion, RecordsStaffFields
from trails.geo import METRES_PER_MILE
from trails.models import DataVersion, Junction, Segment, Trail, WalkingRoute, extent


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
