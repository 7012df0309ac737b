from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisers open and close a session's registrations from the site (#19). Existing sessions stay
    open, as they were: members keep registering their firms."""

    dependencies = [("exchange", "0004_registration_contact")]

    operations = [
        migrations.AddField(
            model_name="exchangesession",
            name="registrations_open",
            field=models.BooleanField(
                default=True,
                help_text="While open, firms register themselves (members from their account, others from the agenda).",
                verbose_name="registrations open",
            ),
        ),
    ]
