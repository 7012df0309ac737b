"""The database backend's entries keep their facets in rows (search.registry.register_facet) instead of
one column per domain field: the axis, kind of organisation and zone of every entry are copied into
facet rows, and the axis and organisation shown on a result become its subtitle, so the search keeps
answering the same right after `migrate`, before any rebuild."""

from django.db import migrations, models

OLD_FACET_COLUMNS = ("axis", "organisation_kind", "zone")


def subtitle(axis: str, organisation: str, title: str) -> str:
    # What the results page showed: the axis, then the organisation unless it is the title itself.
    return " · ".join(part for part in (axis, organisation if organisation != title else "") if part)


def forwards(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchEntryFacet = apps.get_model("search", "SearchEntryFacet")
    rows, changed = [], []
    columns = ("pk", "title", "axis", "organisation", *OLD_FACET_COLUMNS[1:])
    for entry in SearchEntry.objects.only(*columns[1:]).iterator(chunk_size=2000):
        for field in OLD_FACET_COLUMNS:
            value = getattr(entry, field)
            if value:
                rows.append(SearchEntryFacet(entry_id=entry.pk, field=field, value=value[:200]))
        entry.subtitle = subtitle(entry.axis, entry.organisation, entry.title)[:500]
        if entry.subtitle:
            changed.append(entry)
        if len(rows) >= 2000 or len(changed) >= 2000:
            SearchEntryFacet.objects.bulk_create(rows)
            SearchEntry.objects.bulk_update(changed, ["subtitle"])
            rows, changed = [], []
    SearchEntryFacet.objects.bulk_create(rows)
    SearchEntry.objects.bulk_update(changed, ["subtitle"])


def backwards(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchEntryFacet = apps.get_model("search", "SearchEntryFacet")
    values = {}
    for entry_id, field, value in SearchEntryFacet.objects.filter(field__in=OLD_FACET_COLUMNS).values_list(
        "entry_id", "field", "value"
    ):
        values.setdefault(entry_id, {})[field] = value
    entries = list(SearchEntry.objects.filter(pk__in=list(values)))
    for entry in entries:
        for field, value in values[entry.pk].items():
            setattr(entry, field, value[:40] if field == "organisation_kind" else value)
    SearchEntry.objects.bulk_update(entries, list(OLD_FACET_COLUMNS), batch_size=2000)
    # The organisation was only shown, never filtered on: a rebuild restores it.


class Migration(migrations.Migration):
    dependencies = [("search", "0002_french_text_search")]

    operations = [
        migrations.CreateModel(
            name="SearchEntryFacet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("field", models.CharField(max_length=40)),
                ("value", models.CharField(max_length=200)),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE, related_name="facet_values", to="search.searchentry"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["field", "value"], name="search_facet_value")],
                "constraints": [
                    models.UniqueConstraint(fields=("entry", "field", "value"), name="search_entry_facet_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="searchentry",
            name="subtitle",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="searchentry", name="axis"),
        migrations.RemoveField(model_name="searchentry", name="organisation"),
        migrations.RemoveField(model_name="searchentry", name="organisation_kind"),
        migrations.RemoveField(model_name="searchentry", name="zone"),
    ]
