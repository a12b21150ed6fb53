import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_feedback_origin_unit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="feedback",
            name="origin_unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="feedback_sent", to="org.unitpage",
                verbose_name="gửi từ đơn vị",
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="sender_news_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="feedback",
            name="sender_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
