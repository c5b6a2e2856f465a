"""Where the network came from: one row per imported file's source, with its
credits and the counts of what the last import wrote."""

from __future__ import annotations

from django.db import models


class SourceQuerySet(models.QuerySet):
    def credits(self, ids) -> list[dict]:
        """The name, attribution and licence of each of these sources that asks
        to be credited, for the pages and files drawn from them."""
        return list(
            self.filter(id__in=ids)
            .exclude(attribution="")
            .values("name", "attribution", "licence")
        )


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    attribution = models.TextField(
        blank=True, help_text="Shown wherever this data is displayed."
    )
    licence = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=20, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    trail_count = models.PositiveIntegerField(default=0)
    segment_count = models.PositiveIntegerField(default=0)
    junction_count = models.PositiveIntegerField(default=0)
    trailhead_count = models.PositiveIntegerField(default=0)
    campsite_count = models.PositiveIntegerField(default=0)
    km = models.FloatField(default=0)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
