"""Receipts partitioned by month on PostgreSQL (see cms/api/partitions.py); nothing changes on SQLite."""

from django.db import migrations

from cms.api.partitions import partition_receipts


class Migration(migrations.Migration):
    atomic = True
    dependencies = [
        ("api", "0003_feedback_sender_marks"),
    ]

    operations = [migrations.RunPython(partition_receipts, migrations.RunPython.noop, elidable=False)]
