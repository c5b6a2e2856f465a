"""What hikers search for: the admin's list of searches, with the most frequent
of the last 30 days and those that found nothing above it."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.utils import timezone

from planner.models import SearchTerm

RECENT_DAYS = 30
TOP = 25


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    list_display = ["text", "day", "count", "results"]
    list_filter = ["day"]
    search_fields = ["text"]
    ordering = ["-day", "-count"]
    date_hierarchy = "day"
    readonly_fields = ["text", "day", "count", "results"]

    def has_add_permission(self, request) -> bool:
        return False  # counted from searches, never typed in

    def changelist_view(self, request, extra_context=None):
        since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS - 1)
        recent = SearchTerm.objects.since(since)
        extra_context = {
            **(extra_context or {}),
            "recent_days": RECENT_DAYS,
            "top_searches": recent.most_asked()[:TOP],
            "found_nothing": recent.filter(results=0).most_asked()[:TOP],
        }
        return super().changelist_view(request, extra_context)
