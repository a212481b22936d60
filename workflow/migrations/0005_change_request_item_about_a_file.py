"""A change request's comment can be about a file question's file (question 15) as well as an
answer's revision: exactly one of the two (ADR 0030).

The append-only triggers are lifted first and put back last: the AlterField rebuilds the table
on SQLite, which would drop them (as audit 0006 does). tests/web/test_append_only.py checks the
migrated schema."""

import django.db.models.deletion
from django.db import migrations, models

from core.append_only import append_only, append_only_lifted

TABLE = "workflow_changerequestitem"
MESSAGE = "Change request comments are append-only"


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("questionnaire", "0004_answer_reuse"),
        ("workflow", "0004_review_comment"),
    ]

    operations = [
        append_only_lifted(TABLE, MESSAGE),
        migrations.AddField(
            model_name="changerequestitem",
            name="evidence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="evidence.evidencefile",
            ),
        ),
        migrations.AlterField(
            model_name="changerequestitem",
            name="revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="questionnaire.answerrevision",
            ),
        ),
        migrations.AddConstraint(
            model_name="changerequestitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("evidence__isnull", True), ("revision__isnull", False)),
                    models.Q(("evidence__isnull", False), ("revision__isnull", True)),
                    _connector="OR",
                ),
                name="change_request_item_about_an_answer_or_a_file",
            ),
        ),
        append_only(TABLE, MESSAGE),
    ]
