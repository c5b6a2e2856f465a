"""Trailheads and campsites: moving one re-attaches it to the network, and a
campsite closed for the season is left out of planning."""

from __future__ import annotations

from django.contrib import admin, messages

from trails.admin.maps import MAP_MEDIA, map_preview, point_feature
from trails.admin.mixins import BumpsDataVersion, RecordsStaffFields
from trails.models import Campsite, Trailhead


class ClosedForPlanning(admin.SimpleListFilter):
    title = "planning"
    parameter_name = "closed"

    def lookups(self, request, model_admin):
        return [("no", "open"), ("yes", "closed (left out)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(closed_reason="")
        if self.value() == "no":
            return queryset.filter(closed_reason="")
        return queryset


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
    """Huts, campsites and shelters: what hikers plan their nights around. One
    closed for the season (a reason given) is left out of planning."""

    details = ("website", "capacity", "fee", "staffed", "opening_hours")
    staff_owned = (*PointAdmin.staff_owned, *details, "closed_reason")
    list_display = [
        "__str__",
        "kind",
        "capacity",
        "staffed",
        "open_for_planning",
        "attached",
        "source",
    ]
    list_filter = ["kind", ClosedForPlanning, "source"]
    fields = [
        "name",
        "kind",
        "lat",
        "lon",
        "elevation",
        *details,
        "closed_reason",
        *PointAdmin.readonly_fields,
    ]

    @admin.display(description="open for planning", boolean=True)
    def open_for_planning(self, obj) -> bool:
        return not obj.closed_reason
