"""The audit log becomes a hash chain (ADR 0009): step 2 of 3, the existing entries.

Chains every existing entry in the order the log has always shown them, (at, id), numbering them
1..n, and records the last as the chain's head. The hash is audit.chain's, the same the service
and `manage.py audit_verify` use. Reversing leaves the columns to 0004's reversal."""

from django.db import migrations

from audit import chain

BATCH = 1000


def chain_existing_entries(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditChainHead")
    previous = chain.GENESIS
    sequence = 0
    entries = entry_model.objects.order_by("at", "pk").iterator(chunk_size=BATCH)
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.previous_hash = previous
        entry.entry_hash = chain.entry_hash(entry, previous)
        entry_model.objects.filter(pk=entry.pk).update(
            sequence=entry.sequence,
            previous_hash=entry.previous_hash,
            entry_hash=entry.entry_hash,
        )
        previous = entry.entry_hash
    head_model.objects.update_or_create(pk=1, defaults={"sequence": sequence, "hash": previous})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_hash_chain"),
    ]

    operations = [
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
    ]
