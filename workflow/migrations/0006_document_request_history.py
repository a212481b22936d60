"""Document requests keep their history: an append-only row for each step (asked for, answered
with a file, asked again with a reason, accepted, withdrawn), a round (how many times the
organisation has been asked) and a version for stale forms. The history of the requests made
before is written from what their rows kept: who asked and when, who answered with which file,
who closed it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.append_only import append_only

ACCEPTED_SCANS = ("clean", "not_scanned")


def history_write(apps, schema_editor):
    request_model = apps.get_model("workflow", "DocumentRequest")
    event_model = apps.get_model("workflow", "DocumentRequestEvent")
    evidence_model = apps.get_model("evidence", "EvidenceFile")
    for request in request_model.objects.order_by("requested_at", "pk"):
        events = [
            event_model(
                request=request,
                kind="requested",
                actor_id=request.requested_by_id,
                at=request.requested_at,
                text=request.note,
                due_date=request.due_date,
            )
        ]
        if request.answered_by_id and request.answered_at:
            # The file that answered: the latest accepted one sent for the request by then.
            evidence = (
                evidence_model.objects.filter(
                    application_id=request.application_id,
                    purpose=f"document_request:{request.pk}",
                    scan_status__in=ACCEPTED_SCANS,
                    uploaded_at__lte=request.answered_at,
                )
                .order_by("-revision")
                .first()
            )
            if evidence is not None:
                events.append(
                    event_model(
                        request=request,
                        kind="answered",
                        actor_id=request.answered_by_id,
                        at=request.answered_at,
                        text=request.response_note,
                        evidence=evidence,
                    )
                )
        if request.status in ("accepted", "withdrawn") and request.closed_by_id:
            events.append(
                event_model(
                    request=request,
                    kind=request.status,
                    actor_id=request.closed_by_id,
                    at=request.closed_at,
                )
            )
        event_model.objects.bulk_create(events)
        request_model.objects.filter(pk=request.pk).update(version=len(events))


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("workflow", "0005_change_request_item_about_a_file"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="documentrequest",
            name="round",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="documentrequest",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.CreateModel(
            name="DocumentRequestEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("answered", "Answered"),
                            ("asked_again", "Asked again"),
                            ("accepted", "Accepted"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        max_length=20,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("text", models.TextField(blank=True)),
                ("due_date", models.DateField(blank=True, null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "evidence",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="evidence.evidencefile",
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="workflow.documentrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                ["requested", "answered", "asked_again", "accepted", "withdrawn"],
                            )
                        ),
                        name="document_request_event_kind_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "answered"), _negated=True),
                            ("evidence__isnull", False),
                            _connector="OR",
                        ),
                        name="document_request_answer_has_a_file",
                    ),
                ],
            },
        ),
        migrations.RunPython(history_write, migrations.RunPython.noop),
        append_only("workflow_documentrequestevent", "Document request events are append-only"),
    ]
