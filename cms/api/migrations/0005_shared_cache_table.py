"""The shared cache's table (`sotay_cache`: login throttles, rate limits) made by every `migrate`, so a database
migrated by any means — `sotay setup`, `make migrate`, a benchmark, a new web node — has it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("api", "0004_receipts_partitioned_by_month")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
