"""Benchmark the daily DSPT re-check over 10,000 submitted applications: a run with nothing to
do (every publication current and more than 60 days from lapsing), then a day on which some
publications lapse and some reach their 60-day warning. Prints the time and SQL queries of each,
and the cost of each change.

Run with `make bench` (SQLite in memory) or against PostgreSQL:
`BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench`. Not a test."""

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "10000"))
CHANGING = 100  # publications warned on WARNING_DAY and lapsing on LAPSE_DAY
QUIET_DAY = date(2026, 11, 27)  # every publication current, none within 60 days of lapsing
WARNING_DAY = date(2027, 5, 1)  # the 2025-07-01 publications are 60 days from lapsing
LAPSE_DAY = date(2027, 6, 30)  # and lapse on this day


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:///:memory:")
    import django

    os.environ["LOG_LEVEL"] = "ERROR"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # As in production: the emails' sending tasks are queued in the database, not run inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def seed():
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Membership, Organisation, User, UserKind
    from accounts.services import user_create
    from applications.models import Application, Stage2Transition
    from questionnaire.definitions import current_definition
    from questionnaire.models import Answer, Response
    from workflow.continuous.dspt import DSPT_QUESTIONS

    definition = current_definition()
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Bench Trust {i}", ods_code=f"B{i:05d}") for i in range(200)]
    )
    password = make_password("Bench-Password-2026")
    members = User.objects.bulk_create(
        [
            User(email=f"bench.member{i}@example.com", password=password)
            for i in range(len(organisations))
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=o) for u, o in zip(members, organisations, strict=True)]
    )
    user_create(
        email="bench.reviewer@example.com",
        password="Bench-Password-2026",
        kind=UserKind.REVIEWER,
        actor=None,
    )
    states = ["submitted", "in_review", "changes_requested", "paused", "approved"]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                organisation=organisations[i % len(organisations)],
                scope="both",
                role="supplier" if i % 2 else "controller",
                stage2_state=states[i % len(states)],
                stage2_submitted_at=now,
                created_by=members[i % len(members)],
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
    for i, (application, response) in enumerate(zip(applications, responses, strict=True)):
        # Most were published on 1 August 2026: current until 30 June 2028. The first
        # CHANGING on 1 July 2025: current until 30 June 2027.
        published = "2025-07-01" if i < CHANGING else "2026-08-01"
        questions = DSPT_QUESTIONS[application.role]
        for question_id, value in (
            (questions.status, "standards_met"),
            (questions.published, published),
        ):
            answers.append(
                Answer(
                    response=response,
                    question_id=question_id,
                    definition_version=1,
                    wording=definition.question(question_id).wording(),
                    value={"value": value},
                    answered_by=members[i % len(members)],
                    answered_at=now,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    Stage2Transition.objects.bulk_create(
        [
            Stage2Transition(
                application=a,
                from_state="draft",
                to_state=a.stage2_state,
                actor=a.created_by,
                reason="Seeded",
            )
            for a in applications
        ],
        batch_size=1000,
    )


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run(day):
    from django.db import connection

    from workflow.continuous.dspt_recheck import dspt_recheck

    counter = Counter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        summary = dspt_recheck(day)
    return time.perf_counter() - start, counter.count, summary


def main():
    setup()
    from django.db import connection

    start = time.perf_counter()
    seed()
    print(
        f"dspt re-check: seeded {APPLICATIONS} applications on {connection.vendor} in "
        f"{time.perf_counter() - start:.1f} s"
    )
    seconds, queries, summary = run(QUIET_DAY)
    print(f"dspt re-check: nothing to do: {seconds:.2f} s, {queries} queries ({summary})")
    for day, what in ((WARNING_DAY, "warnings"), (LAPSE_DAY, "holds")):
        seconds, queries, summary = run(day)
        again_seconds, again_queries, again = run(day)  # the same day again: nothing left
        changed = summary.holds_raised + summary.warnings_sent
        print(
            f"dspt re-check: {day}, {changed} {what}: {seconds:.2f} s, {queries} queries "
            f"({summary}); per change {(seconds - again_seconds) / max(changed, 1) * 1000:.1f} "
            f"ms, {(queries - again_queries) / max(changed, 1):.1f} queries; the same day again "
            f"{again_seconds:.2f} s, {again_queries} queries ({again})"
        )


if __name__ == "__main__":
    main()
