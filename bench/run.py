"""Benchmarks: print figures for the engine and the question pages. Not tests: nothing here fails.

Run with `make bench`; record the figures in docs/benchmarks.md with the command that made them.
"""

import os
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def report(what, median, worst, unit="ms"):
    scale = 1000 if unit == "ms" else 1e6
    print(f"{what}: median {median * scale:.1f} {unit}, worst {worst * scale:.1f} {unit}")


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), max(samples)


def bench_engine():
    from questionnaire.engine.journey import Journey
    from questionnaire.engine.loader import load_definition
    from questionnaire.engine.rules import evaluate
    from tests.answer_sets import CONTROLLER, as_engine_answers

    path = ROOT / "questionnaire/definitions/stage2-v1.yaml"
    median, worst = timed(lambda: load_definition(path), 20)
    report("engine: load and validate the Stage 2 definition", median, worst)

    definition = load_definition(path)
    today = date(2026, 11, 27)
    answers = as_engine_answers(definition, CONTROLLER, today)

    def walk_and_evaluate():
        journey = Journey(definition=definition, answers=answers, today=today)
        evaluate(journey)
        journey.is_complete()

    median, worst = timed(walk_and_evaluate, 500)
    report(
        "engine: walk + evaluate rules + completeness, complete controller answers",
        median,
        worst,
        "µs",
    )

    def task_list():
        journey = Journey(definition=definition, answers=answers, today=today)
        for question in journey.applicable_questions():
            journey.can_visit(question.id)

    median, worst = timed(task_list, 200)
    report("engine: task list (can_visit for every question on the route)", median, worst, "µs")

    tracemalloc.start()
    walk_and_evaluate()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"engine: peak memory of one walk + evaluation: {peak / 1024:.0f} KiB")


def bench_pages():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from accounts.services import organisation_create, user_create

    organisation = organisation_create(name="Bench Trust", ods_code="BEN", actor=None)
    user = user_create(
        email="bench@example.com",
        password="Bench-Password-2026",
        organisation=organisation,
        actor=None,
    )
    client = Client()
    client.force_login(user)
    application = client.post("/applications/start", {"scope": "both"})["Location"]
    stage2 = f"{application}/stage-2"
    client.post(f"{stage2}/questions/role", {"version": "0", "answer": "controller"})

    median, worst = timed(lambda: client.get(f"{stage2}/questions/c_dspt_status"), 100)
    report("pages: GET a question page", median, worst)
    versions = iter(range(1, 10_000))
    choices = ["standards_met", "standards_exceeded"]

    def save():
        version = next(versions)
        client.post(
            f"{stage2}/questions/c_dspt_status",
            {"version": str(version - 1), "answer": choices[version % 2]},
        )

    median, worst = timed(save, 100)
    report("pages: POST an answer (save, audit, re-evaluate rules, redirect)", median, worst)
    median, worst = timed(lambda: client.get(f"{stage2}/check-answers"), 50)
    report("pages: GET check your answers", median, worst)


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    bench_engine()
    bench_pages()
