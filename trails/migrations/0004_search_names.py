"""Folded names for search (trails/folding.py), filled for the rows already there.

On PostgreSQL, pg_trgm and a trigram index on each folded name let `LIKE '%gru%'`
and trigram similarity use an index; on SQLite these steps do nothing (the tables
of one region are small enough to scan).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from trails.folding import fold

TABLES = ("trail", "walkingroute", "trailhead", "campsite")


def fill_search_names(apps, schema_editor):
    for model_name in TABLES:
        model = apps.get_model("trails", model_name)
        rows = []
        for row in model.objects.only(
            "id", "name", *(("ref",) if model_name == "walkingroute" else ())
        ):
            text = f"{row.ref} {row.name}" if model_name == "walkingroute" else row.name
            row.search_name = fold(text)
            rows.append(row)
        model.objects.bulk_update(rows, ["search_name"], batch_size=2000)


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in TABLES:
        table = f"trails_{model_name}"
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
            "USING gin (search_name gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS trails_{model_name}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("trails", "0003_staff_edits"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="campsite",
            name="search_name",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=300
            ),
        ),
        migrations.AddField(
            model_name="trail",
            name="search_name",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=300
            ),
        ),
        migrations.AddField(
            model_name="trailhead",
            name="search_name",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=300
            ),
        ),
        migrations.AddField(
            model_name="walkingroute",
            name="search_name",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=300
            ),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
