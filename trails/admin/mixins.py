"""What every staff change does: it moves the data version of the ground it
touches, and the fields staff own are marked as theirs so re-imports keep them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from trails.models import DataVersion, Source, where


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
        # The network has not changed (the data version stays), but the next
        # import of the same file has work to do now.
        Source.objects.filter(pk__in=queryset.values("source")).import_in_full()
        self.message_user(
            request,
            f"The next import sets the names, difficulty and positions of {n} rows "
            "from the file again.",
            messages.SUCCESS,
        )
