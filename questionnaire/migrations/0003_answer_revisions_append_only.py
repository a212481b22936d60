"""Answer revisions are append-only in the database itself (ADR 0005, core/append_only.py)."""

from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0002_answerrevision")]

    operations = [append_only("questionnaire_answerrevision", "Answer revisions are append-only")]
