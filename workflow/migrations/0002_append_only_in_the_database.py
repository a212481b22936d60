"""Submissions, reviewer assignments, change request comments and stage completions are
append-only in the database itself (ADR 0005, core/append_only.py)."""

from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [
        append_only("workflow_submission", "Submissions are append-only"),
        append_only("workflow_reviewerassignment", "Reviewer assignments are append-only"),
        append_only("workflow_changerequestitem", "Change request comments are append-only"),
        append_only("workflow_stagecompletion", "Stage completions are append-only"),
    ]
