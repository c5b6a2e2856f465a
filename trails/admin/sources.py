"""Sources, and the page where staff upload a trail file or elevation tile."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from trails.admin.mixins import BumpsDataVersion
from trails.importers import ImportFailed
from trails.models import Source
from trails.uploads import UploadForm, limit_upload_size, run_upload


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
        "import_digest",
        "imported_version",
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
