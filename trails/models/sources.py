"""Where the network came from: one row per imported file's source, with its
credits, the counts of what the last import wrote, and how to recognise that
import's file again."""

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

    def import_in_full(self) -> int:
        """The next import into these sources runs in full, even of the file they
        were last imported from: for a change that makes an import write
        something new without changing the network (so without moving the data
        version)."""
        return self.update(import_digest="")


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
    # What the last import from a file read (`trails/import_digest.py`) and the
    # data version it left behind: while both still hold, importing the same file
    # again would change nothing, and is skipped.
    import_digest = models.CharField(max_length=64, blank=True, default="")
    imported_version = models.PositiveBigIntegerField(null=True, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
