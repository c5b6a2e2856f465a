"""Places a hiker can start from, seeded from GeoNames by `manage.py load_places`,
and the searches hikers make (`SearchTerm`).

Every place look-up is on the indexed `search_name`: an exact key (`named`) or a
key prefix (`starting_with`), never a substring scan.
"""

from django.db import IntegrityError, connections, models, transaction

from planner.placenames import place_label, prefix_end


class PlaceQuerySet(models.QuerySet):
    def named(self, keys):
        """Places whose search key is one of `keys` (see placenames.normalise)."""
        return self.filter(search_name__in=keys)

    def starting_with(self, prefix: str):
        """Places whose search key begins with `prefix`, through the index.

        PostgreSQL answers LIKE 'x%' from the varchar_pattern_ops index that Django
        adds to every indexed CharField. SQLite's LIKE ignores case and so cannot
        use a plain index; a key range can, and keys are already lower case.
        """
        if connections[self.db].vendor == "sqlite":
            return self.filter(
                search_name__gte=prefix, search_name__lt=prefix_end(prefix)
            )
        return self.filter(search_name__startswith=prefix)

    def largest_first(self):
        return self.order_by("-population", "name", "geonameid")


class Place(models.Model):
    """A town or village from GeoNames' cities500 (CC BY 4.0)."""

    geonameid = models.PositiveIntegerField(unique=True, help_text="GeoNames id.")
    name = models.CharField(max_length=200)
    search_name = models.CharField(
        max_length=200,
        db_index=True,
        help_text="Lower case, no accents: see placenames.normalise.",
    )
    country_code = models.CharField(max_length=2, help_text="ISO 3166 alpha-2.")
    country_name = models.CharField(max_length=100, blank=True)
    admin1_code = models.CharField(
        max_length=20, blank=True, help_text="State or region code, e.g. CO."
    )
    admin1_name = models.CharField(
        max_length=100, blank=True, help_text="US state name; blank elsewhere."
    )
    lat = models.FloatField()
    lon = models.FloatField()
    population = models.PositiveBigIntegerField(default=0)

    objects = PlaceQuerySet.as_manager()

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return place_label(self)


class SearchTermQuerySet(models.QuerySet):
    def since(self, day):
        return self.filter(day__gte=day)

    def most_asked(self):
        """One row per text: how often it was searched, and its latest result count."""
        return (
            self.values("text")
            .annotate(searches=models.Sum("count"), found=models.Min("results"))
            .order_by("-searches", "text")
        )


class SearchTerm(models.Model):
    """How often hikers searched for a text on a day: what they look for, and what
    LoopGenie does not have. The folded text only; nothing about who asked."""

    day = models.DateField()
    text = models.CharField(max_length=100, help_text="As folded for matching.")
    count = models.PositiveIntegerField(default=0)
    results = models.PositiveIntegerField(
        default=0, help_text="Results the last search for it found."
    )

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "text"], name="search_term_day_text")
        ]
        indexes = [models.Index(fields=["day", "results"], name="search_term_day")]

    def __str__(self) -> str:
        return f"{self.text} ({self.day}: {self.count})"

    @classmethod
    def count_one(cls, text: str, results: int, day) -> None:
        """Add one search; F() so that concurrent searches all count."""
        updated = cls.objects.filter(day=day, text=text).update(
            count=models.F("count") + 1, results=results
        )
        if not updated:
            try:
                with transaction.atomic():
                    cls.objects.create(day=day, text=text, count=1, results=results)
            except IntegrityError:  # another request created it just now
                cls.objects.filter(day=day, text=text).update(
                    count=models.F("count") + 1, results=results
                )
