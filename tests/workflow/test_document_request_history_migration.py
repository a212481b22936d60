"""Migration workflow 0005 writes the history of the document requests made before it, from
what their rows kept: who asked and when, who answered with which file, who closed it."""

import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import Application
from evidence.upload import quarantine_file
from tests.answer_sets import SUPPLIER
from workflow.decisions import documents
from workflow.models import DocumentRequest

BEFORE = [("workflow", "0004_review_comment")]
AFTER = [("workflow", "0006_document_request_history")]


def make_request(application, reviewer, title):
    application.refresh_from_db()
    return documents.document_request_create(
        application=application,
        actor=reviewer,
        title=title,
        note=f"The {title}",
        due_date=application.stage2_submitted_at.date(),
        expected_version=application.stage2_version,
    )


@pytest.mark.django_db(transaction=True)
def test_the_history_of_earlier_requests_is_written_from_their_rows(
    applicant, member, reviewer, settings
):
    from tests.evidence.files import PDF

    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    accepted = make_request(application, reviewer, "hazard log")
    file = documents.document_request_answer(
        request=accepted,
        actor=member,
        note="Version 3",
        received=quarantine_file(io.BytesIO(PDF), original_name="hazard-log.pdf"),
        expected_version=1,
    )
    settings.DEBUG = True  # accepted unscanned, as a developer's machine may
    documents.document_request_accept(request=accepted, actor=reviewer, expected_version=2)
    still_open = make_request(application, reviewer, "CSCR")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    accepted = DocumentRequest.objects.get(pk=accepted.pk)
    steps = [(e.kind, e.actor, e.evidence, e.text) for e in accepted.events.all()]
    assert steps == [
        ("requested", reviewer, None, "The hazard log"),
        ("answered", member, file, "Version 3"),
        ("accepted", reviewer, None, ""),
    ]
    assert accepted.events.first().at == accepted.requested_at
    assert (accepted.version, accepted.round) == (3, 1)
    still_open = DocumentRequest.objects.get(pk=still_open.pk)
    assert [e.kind for e in still_open.events.all()] == ["requested"]
    assert still_open.version == 1
