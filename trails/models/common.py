"""What the network's models share: coordinate validators, the fields staff
own, and the folded name hikers search by."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from trails.folding import fold

LAT_VALIDATORS = [MinValueValidator(-90.0), MaxValueValidator(90.0)]
LON_VALIDATORS = [MinValueValidator(-180.0), MaxValueValidator(180.0)]


def staff_edits() -> models.JSONField:
    """The names of the fields staff changed in the admin: re-imports leave those
    as staff set them (a renamed trail, a trailhead moved to the real car park)."""
    return models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Fields staff changed; imports keep them as staff set them.",
    )


def search_name() -> models.CharField:
    """The name folded for search (trails/folding.py). Written on save and by the
    importers' bulk writes, through the model's `search_key`, never by hand."""
    return models.CharField(max_length=300, blank=True, default="", editable=False)


class Searchable(models.Model):
    """A named thing hikers search for: its folded name follows its name."""

    search_name = search_name()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_name = self.search_key(vars(self))
        fields = kwargs.get("update_fields")
        if fields and "search_name" not in fields:
            kwargs["update_fields"] = [*fields, "search_name"]
        super().save(*args, **kwargs)

    @staticmethod
    def search_key(values: dict) -> str:
        return fold(values.get("name") or "")
