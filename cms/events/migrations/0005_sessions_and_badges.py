"""The programme of a large event (its sessions), and a badge code for every registration.

Every existing registration keeps its row and gets its own code: the column is added empty, each row
is given a code, then new rows get one by default and a code is unique within its event."""

import cms.events.models
import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


def give_codes(apps, schema_editor):
    Registration = apps.get_model("events", "EventRegistration")
    db = schema_editor.connection.alias
    for event_id in Registration.objects.using(db).values_list("event_id", flat=True).distinct():
        taken = set()
        for registration in Registration.objects.using(db).filter(event_id=event_id).only("pk"):
            code = cms.events.models.new_badge_code()
            while code in taken:
                code = cms.events.models.new_badge_code()
            taken.add(code)
            Registration.objects.using(db).filter(pk=registration.pk).update(badge_code=code)
    # PostgreSQL queues a deferred foreign-key check for every row updated above, and refuses to ALTER a
    # table with checks pending ("pending trigger events"): run them now, before the constraint is added.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0004_event_series'),
        ('members', '0008_account_email_addresses'),
    ]

    operations = [
        migrations.CreateModel(
            name='EventSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('starts_at', models.TimeField(verbose_name='from')),
                ('ends_at', models.TimeField(blank=True, null=True, verbose_name='to')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('room', models.CharField(blank=True, max_length=100, verbose_name='room')),
                ('speakers', models.CharField(blank=True, help_text='Names, separated by commas.', max_length=300, verbose_name='speakers')),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='eventregistration',
            name='badge_code',
            field=models.CharField(default='', editable=False, max_length=12, verbose_name='badge code'),
            preserve_default=False,
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='eventregistration',
            name='badge_code',
            field=models.CharField(default=cms.events.models.new_badge_code, editable=False, max_length=12, verbose_name='badge code'),
        ),
        migrations.AddConstraint(
            model_name='eventregistration',
            constraint=models.UniqueConstraint(fields=('event', 'badge_code'), name='event_registration_one_badge_code'),
        ),
        migrations.AddField(
            model_name='eventsession',
            name='event',
            field=modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='events.eventpage'),
        ),
    ]
