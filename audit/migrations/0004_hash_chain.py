"""The audit log becomes a hash chain (ADR 0009): schema, step 1 of 3.

The append-only triggers come off here, so that 0005 can write each existing entry's place in
the chain, and go back on at the end of 0006. Each migration runs in its own transaction on
PostgreSQL; `migrate` runs all three, and the table is guarded again when it finishes."""

import django.utils.timezone
from django.db import migrations, models

from core.append_only import append_only_lifted


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_in_the_database"),
    ]

    operations = [
        append_only_lifted("audit_auditentry", "Audit entries are append-only"),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("sequence", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
    ]
