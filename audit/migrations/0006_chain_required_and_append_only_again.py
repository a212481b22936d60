"""The audit log becomes a hash chain (ADR 0009): step 3 of 3.

Every entry now has its place in the chain, so the columns become required and the sequence
unique; then the append-only triggers go back on (after the AlterFields, which rebuild the table
on SQLite and would drop them). tests/web/test_append_only.py checks the migrated schema."""

from django.db import migrations, models

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_existing_entries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(max_length=64),
        ),
        append_only("audit_auditentry", "Audit entries are append-only"),
    ]
