"""An index of the audit log by action and time: what the sign-in lockout, password resets and
anonymous entries count on every such request (audit/throttle.py). A plain CREATE INDEX on both
databases, so the append-only triggers stay (tests/web/test_append_only.py checks them)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_provider_identities"),
        ("audit", "0006_chain_required_and_append_only_again"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "at"], name="audit_action_at"),
        ),
    ]
