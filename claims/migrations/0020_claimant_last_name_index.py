"""An index on a claimant's lowered last word, on PostgreSQL.

A harvest looks its speakers up by surname ("Lavrov" → "Sergej Lavrov"); with a LIKE '% lavrov'
per speaker that was a scan of the whole claimant table with every speaker's patterns on every
row, growing with both. SQLite has no reverse() or split_part(); there the look-up stays a scan.
"""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS claimant_last_word_ci ON claims_claimant "
    "(lower(reverse(split_part(reverse(btrim(name)), ' ', 1))))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claimant_last_word_ci")


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_machine_history_without_copied_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
