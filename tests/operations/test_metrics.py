"""/metrics (ADR 0040): refused without the token, off in production without one, and each of
the service's gauges right for a world the test makes; counts only, no personal data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from applications.models import Application
from applications.states import Stage2State
from evidence.models import ScanStatus
from notifications.models import Notification, NotificationStatus
from operations.models import JobRun
from operations.runs import Job, job_run_record
from tests.evidence.files import evidence_row
from workflow.models import Hold, HoldOrigin

TOKEN = "a-long-random-scrape-token"
TODAY = date(2026, 3, 16)  # a Monday


def scrape(token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get("/metrics", **headers)


def samples(response) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_without_the_token_the_scrape_is_refused(settings, db):
    settings.METRICS_TOKEN = TOKEN
    assert scrape(None).status_code == 401
    assert scrape("not-the-token").status_code == 401
    refused = scrape(TOKEN + "x")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert b"nir_" not in refused.content
    assert scrape().status_code == 200


def test_in_production_without_a_token_there_is_no_endpoint(settings, db):
    settings.METRICS_TOKEN = ""
    settings.IS_PRODUCTION = True
    assert scrape(None).status_code == 404
    assert scrape("anything").status_code == 404


def local(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def application(organisation, member, state, submitted: date | None = None) -> Application:
    return Application.objects.create(
        organisation=organisation,
        scope="both",
        created_by=member,
        stage2_state=state,
        stage2_submitted_at=local(submitted) if submitted else None,
    )


def evidence(app, member, status, n: int) -> None:
    evidence_row(app, "question:c_aup", status, uploaded_by=member, revision=n, name="policy.pdf")


@pytest.fixture
def world(organisation, member, monkeypatch, settings):
    from questionnaire import definitions

    monkeypatch.setattr(definitions, "today", lambda: TODAY)
    settings.REVIEW_TARGET_WORKING_DAYS = 10
    settings.METRICS_TOKEN = TOKEN
    application(organisation, member, Stage2State.DRAFT)
    application(organisation, member, Stage2State.DRAFT)
    # 2 March to 16 March is 10 working days: on target, not over it.
    application(organisation, member, Stage2State.SUBMITTED, submitted=date(2026, 3, 2))
    application(organisation, member, Stage2State.IN_REVIEW, submitted=date(2026, 2, 27))
    paused = application(organisation, member, Stage2State.PAUSED, submitted=date(2026, 1, 5))
    approved = application(organisation, member, Stage2State.APPROVED, submitted=date(2026, 1, 5))
    Hold.objects.create(application=paused, origin=HoldOrigin.REVIEWER, reason="Asked")
    Hold.objects.create(application=paused, origin=HoldOrigin.DSPT_RECHECK, reason="Lapsed")
    Hold.objects.create(
        application=approved, origin=HoldOrigin.RULE, reason="Old", lifted_at=timezone.now()
    )
    for status in (
        [NotificationStatus.QUEUED] * 3 + [NotificationStatus.FAILED] + [NotificationStatus.SENT]
    ):
        Notification.objects.create(
            template="submitted",
            recipient="ig.lead@northern.example",
            personalisation={"answer": "Our secret answer"},
            status=status,
            sent_at=timezone.now() if status == NotificationStatus.SENT else None,
        )
    for n, status in enumerate(
        [ScanStatus.PENDING, ScanStatus.PENDING, ScanStatus.REFUSED, ScanStatus.CLEAN], start=1
    ):
        evidence(approved, member, status, n)
    job_run_record(Job.DSPT_RECHECK)
    JobRun.objects.filter(name=Job.DSPT_RECHECK).update(
        finished_at=timezone.now() - timedelta(days=2)
    )
    job_run_record(Job.AUDIT_VERIFY, succeeded=False)


def test_each_gauge_has_the_value_of_the_world(world, django_assert_num_queries):
    Client().get("/healthz")
    with django_assert_num_queries(6):  # one a family, however many rows
        response = scrape()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    got = samples(response)

    def value(name, **labels):
        return got[(name, tuple(sorted(labels.items())))]

    assert {state: value("nir_applications", state=state) for state in Stage2State} == {
        "draft": 2,
        "submitted": 1,
        "in_review": 1,
        "changes_requested": 0,
        "paused": 1,
        "approved": 1,
        "withdrawn": 0,
    }
    assert value("nir_submissions_waiting") == 2
    assert value("nir_submissions_overdue") == 1  # 27 February: 11 working days
    assert value("nir_review_target_working_days") == 10
    assert {o: value("nir_holds_open", origin=o) for o in HoldOrigin} == {
        "rule": 0,
        "reviewer": 1,
        "dspt_recheck": 1,
        "certificate": 0,
    }
    assert value("nir_emails", status="waiting") == 3
    assert value("nir_emails", status="failed") == 1
    assert value("nir_evidence_files_waiting_for_scan") == 2
    assert value("nir_evidence_scan_failures") == 1
    assert value("nir_job_last_run_age_days", job="dspt_recheck") == pytest.approx(2, abs=0.01)
    assert value("nir_job_last_run_age_days", job="certificate_check") == float("inf")
    assert value("nir_job_last_run_succeeded", job="dspt_recheck") == 1
    assert value("nir_job_last_run_succeeded", job="audit_verify") == 0
    assert value("nir_audit_chain_intact") == 0
    # The request metrics are there too, by route name.
    labels = (("method", "GET"), ("route", "healthz"), ("status", "200"))
    assert got[("nir_http_requests_total", labels)] >= 1

    text = response.content.decode()
    assert "northern.example" not in text and "secret answer" not in text
    assert "Northern Imaging Trust" not in text


def test_the_audit_chain_result_is_left_out_until_it_has_been_verified(settings, db):
    settings.METRICS_TOKEN = TOKEN
    assert "nir_audit_chain_intact" not in scrape().content.decode()
    call_command("audit_verify", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert samples(scrape())[("nir_audit_chain_intact", ())] == 1


def test_the_daily_jobs_record_when_they_ran(db):
    call_command("certificate_check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("dspt_recheck", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(JobRun.objects.filter(succeeded=True).values_list("name", flat=True)) == {
        "certificate_check",
        "dspt_recheck",
    }
