import django.db.models.deletion
from django.db import migrations, models


def origin_is_current_unit(apps, schema_editor):
    # Feedback sent before escalation was recorded: its path is unknown, so it starts where it is now.
    Feedback = apps.get_model("api", "Feedback")
    Feedback.objects.update(origin_unit=models.F("unit"))


class Migration(migrations.Migration):
    # The NOT NULL change is its own migration (0003): on PostgreSQL, altering a table in the transaction
    # that just filled its foreign key fails with "pending trigger events".
    dependencies = [
        ("api", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="origin_unit",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="feedback_sent",
                to="org.unitpage", verbose_name="gửi từ đơn vị",
            ),
        ),
        migrations.RunPython(origin_is_current_unit, migrations.RunPython.noop),
    ]
