"""Benchmark NHS England's pages over 10,000 submitted applications with their answers: the queue
(unfiltered and filtered, first and deep pages) and one application page. Prints median and p95
server time (Django's test client, in process) and the SQL queries each page runs.

Run with `make bench` (SQLite in memory) or against PostgreSQL:
`BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench`. Not a test."""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "10000"))
REPEAT = 60


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def seed():
    from django.utils import timezone

    from accounts.models import Organisation, UserKind
    from accounts.services import user_create
    from applications.models import Application, Stage2Transition
    from questionnaire.definitions import current_definition
    from questionnaire.models import Answer, Response
    from tests.answer_sets import CONTROLLER, SUPPLIER, as_engine_answers

    definition = current_definition()
    today = date(2026, 11, 27)
    answer_sets = {
        "supplier": as_engine_answers(definition, SUPPLIER, today),
        "controller": as_engine_answers(definition, CONTROLLER, today),
    }
    reviewer = user_create(
        email="bench.reviewer@example.com",
        password="Bench-Password-2026",
        kind=UserKind.REVIEWER,
        actor=None,
    )
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Bench Trust {i}", ods_code=f"B{i:05d}") for i in range(200)]
    )
    member = user_create(
        email="bench.member@example.com",
        password="Bench-Password-2026",
        organisation=organisations[0],
        actor=None,
    )
    states = ["submitted", "in_review", "changes_requested", "paused", "approved", "withdrawn"]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                organisation=organisations[i % len(organisations)],
                scope=["consumer", "provider", "both"][i % 3],
                role="supplier" if i % 2 else "controller",
                stage2_state=states[i % len(states)],
                stage2_submitted_at=now - timezone.timedelta(days=i % 90, minutes=i),
                stage2_reviewer=reviewer if i % 4 == 0 else None,
                stage2_flagged=i % 7 == 0,
                created_by=member,
            )
            for i in range(APPLICATIONS)
        ],
        batch_size=1000,
    )
    responses = Response.objects.bulk_create(
        [
            Response(application=a, definition_id=definition.id, definition_version=1)
            for a in applications
        ],
        batch_size=1000,
    )
    answers = []
    for application, response in zip(applications, responses, strict=True):
        for question_id, value in answer_sets[application.role].items():
            answers.append(
                Answer(
                    response=response,
                    question_id=question_id,
                    definition_version=1,
                    wording=definition.question(question_id).wording(),
                    value=value,
                    answered_by=member,
                    answered_at=now,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    Stage2Transition.objects.bulk_create(
        [
            Stage2Transition(
                application=a, from_state="draft", to_state="submitted", actor=member, reason="x"
            )
            for a in applications
        ],
        batch_size=1000,
    )
    return reviewer, applications[len(applications) // 2], len(answers)


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # templates compiled, connection open
    connection.queries_log.clear()  # a full log (seeding) would make the capture read 0
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - start)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    return statistics.median(samples), p95, queries


def main():
    setup()
    from django.db import connection
    from django.test import Client

    start = time.perf_counter()
    reviewer, application, answers = seed()
    print(
        f"review pages: seeded {APPLICATIONS} applications with {answers} answers on "
        f"{connection.vendor} in {time.perf_counter() - start:.1f} s"
    )
    client = Client()
    client.force_login(reviewer)
    deep = APPLICATIONS // 25 - 1
    pages = [
        ("queue, unfiltered, first page", "/review"),
        (f"queue, unfiltered, page {deep}", f"/review?page={deep}"),
        (
            "queue, filtered (in review, supplier, flagged)",
            "/review?state=in_review&role=supplier&flagged=yes",
        ),
        ("queue, filtered, deep page", "/review?state=approved&page=50"),
        ("queue, search by organisation name", "/review?q=Bench+Trust+17"),
        ("application overview", f"/review/applications/{application.pk}"),
        *(
            (f"application {section}", f"/review/applications/{application.pk}/{section}")
            for section in ("answers", "evidence", "people", "holds", "comments", "timeline")
        ),
    ]
    for name, url in pages:
        median, p95, queries = measure(client, url)
        print(
            f"review pages: {name}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"{queries} queries"
        )


if __name__ == "__main__":
    main()
