"""The daily check: warnings 90, 30 and 7 days before expiry, once each; on expiry a hold on the
supplier's approved applications; a renewed certificate lifts it."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from certificates.models import Certificate
from notifications.models import Notification
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.certificates import factory
from tests.certificates.test_pages import upload
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer
from workflow.continuous.certificates import certificate_check, certificate_check_task
from workflow.models import Hold, HoldOrigin

SUBJECT = "CN=pacs-one.supplier.example,O=Demo Imaging Systems Ltd"
EXPIRES = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def row(organisation, not_after, subject=SUBJECT) -> Certificate:
    return Certificate.objects.create(
        organisation=organisation,
        subject=subject,
        issuer="CN=Test Issuing CA",
        serial=uuid.uuid4().hex[:16].upper(),
        fingerprint_sha256=uuid.uuid4().hex.upper() * 2,
        not_before=not_after - timedelta(days=365),
        not_after=not_after,
        key_type="rsa",
        key_size=2048,
        der=b"0",
    )


def sent(template):
    return list(Notification.objects.filter(template=template).order_by("pk"))


def run_on(day: date):
    return certificate_check(day=day)


def test_each_warning_is_sent_once_across_repeated_runs(organisation, member, colleague):
    certificate = row(organisation, EXPIRES)
    expiry_day = date(2027, 3, 1)
    for days_before in (120, 91):
        assert run_on(expiry_day - timedelta(days=days_before)).warnings == 0
    assert run_on(expiry_day - timedelta(days=90)).warnings == 1
    for days_before in (90, 89, 31):  # the same day again, and the days after
        assert run_on(expiry_day - timedelta(days=days_before)).warnings == 0
    assert run_on(expiry_day - timedelta(days=30)).warnings == 1
    assert run_on(expiry_day - timedelta(days=30)).warnings == 0
    assert run_on(expiry_day - timedelta(days=7)).warnings == 1
    for days_before in (7, 6, 1):
        assert run_on(expiry_day - timedelta(days=days_before)).warnings == 0

    emails = sent("certificate_expiring")
    # Three warnings, each to both members.
    assert len(emails) == 6
    assert {e.recipient for e in emails} == {member.email, colleague.email}
    assert [e.personalisation["days"] for e in emails[::2]] == ["90 days", "30 days", "7 days"]
    first = emails[0].personalisation
    assert first["subject"] == SUBJECT and first["expires_on"] == "1 March 2027"
    assert first["fingerprint"] == certificate.fingerprint_display
    assert first["url"].endswith("/certificates")
    assert AuditEntry.objects.filter(action="certificate.warn").count() == 3


def test_a_certificate_first_seen_inside_30_days_gets_only_the_30_day_warning(organisation, member):
    row(organisation, EXPIRES)
    assert run_on(date(2027, 2, 10)).warnings == 1
    assert [e.personalisation["days"] for e in sent("certificate_expiring")] == ["19 days"]
    assert run_on(date(2027, 2, 11)).warnings == 0
    assert run_on(date(2027, 2, 22)).warnings == 1  # 7 days before


def test_a_replaced_certificate_is_not_warned_about(organisation, member):
    old = row(organisation, EXPIRES)
    old.replaced_by = row(organisation, EXPIRES + timedelta(days=365))
    old.save()
    assert run_on(date(2027, 2, 25)).warnings == 0


@pytest.fixture
def approved_supplier(applicant, reviewer, django_capture_on_commit_callbacks):
    from workflow.decisions import review

    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    Reviewer(signed_in(reviewer), application).post("/start")
    attest_all(application)
    application.refresh_from_db()
    review.stage2_approve(
        application=application, actor=reviewer, expected_version=application.stage2_version
    )
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    assert application.role == "supplier"
    return application


def test_expiry_raises_one_hold_on_the_approved_application_and_tells_the_members_once(
    approved_supplier, member
):
    application = approved_supplier
    expired = row(application.organisation, datetime.now(UTC) - timedelta(hours=1))
    summary = certificate_check()
    assert (summary.holds, summary.expired) == (1, 1)
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.PAUSED
    hold = Hold.objects.get(origin=HoldOrigin.CERTIFICATE)
    assert hold.application == application and hold.is_open
    assert expired.subject in hold.reason and "expired on" in hold.reason
    assert hold.what_lifts == "Onboarding resumes when you upload a renewed certificate."
    assert len(sent("certificate_expired")) == 1
    assert len(sent("hold_raised")) == 1

    again = certificate_check()
    assert (again.holds, again.expired) == (0, 0)
    assert Hold.objects.filter(origin=HoldOrigin.CERTIFICATE).count() == 1
    assert len(sent("certificate_expired")) == 1

    # The applicant sees why on the application page.
    page = signed_in(member).get(f"/applications/{application.pk}").content.decode()
    assert "upload a renewed certificate" in page


def test_a_renewed_certificate_lifts_the_hold(approved_supplier, member, settings):
    application = approved_supplier
    expired = row(application.organisation, datetime.now(UTC) - timedelta(hours=1))
    certificate_check()
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.PAUSED

    renewed = factory.make_certificate(days=365)  # the same subject
    response = upload(signed_in(member), factory.pem(renewed))
    assert response.status_code == 302
    new = Certificate.objects.exclude(pk=expired.pk).get()
    expired.refresh_from_db()
    assert expired.replaced_by == new
    hold = Hold.objects.get(origin=HoldOrigin.CERTIFICATE)
    assert not hold.is_open and hold.lift_reason == "A renewed certificate has been uploaded."
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    assert AuditEntry.objects.filter(action="certificate.replace").count() == 1
    assert AuditEntry.objects.filter(action="hold.lift", actor=member).count() == 1
    # Nothing is raised again on the next run.
    assert certificate_check().holds == 0


def test_a_certificate_of_another_subject_does_not_lift_the_hold(approved_supplier, member):
    application = approved_supplier
    row(application.organisation, datetime.now(UTC) - timedelta(hours=1))
    certificate_check()
    other = factory.make_certificate(common_name="another-product.example", days=365)
    assert upload(signed_in(member), factory.pem(other)).status_code == 302
    assert Hold.objects.get(origin=HoldOrigin.CERTIFICATE).is_open


def test_only_approved_supplier_applications_are_held(applicant, member, organisation):
    applicant.answer_all(SUPPLIER)
    applicant.submit()  # submitted, not approved
    row(organisation, datetime.now(UTC) - timedelta(hours=1))
    summary = certificate_check()
    assert (summary.holds, summary.expired) == (0, 1)
    assert not Hold.objects.filter(origin=HoldOrigin.CERTIFICATE).exists()


def test_the_command_runs_as_on_a_given_day_and_refuses_a_bad_date(organisation, member):
    row(organisation, EXPIRES)
    out = io.StringIO()
    call_command("certificate_check", "--date", "2027-02-22", stdout=out)
    assert out.getvalue().startswith("1 warning(s) sent")
    with pytest.raises(CommandError, match="must be a real date"):
        call_command("certificate_check", "--date", "2027-02-30")


def test_the_task_runs_the_check(organisation, member):
    row(organisation, EXPIRES)
    result = certificate_check_task.enqueue("2026-12-01")
    assert result.return_value.startswith("1 warning(s) sent")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_warn_and_hold_once(organisation, member):
    """Two workers in threads, each on its own database connection (PostgreSQL: the warning's
    unique row and the application's row lock; SQLite: writers queue)."""
    import threading

    from django.db import connection
    from django.utils import timezone

    from applications.states import Stage2State

    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "each thread needs its own connection"
    applications = [
        Application.objects.create(
            organisation=organisation,
            scope="both",
            role="supplier",
            created_by=member,
            stage2_state=Stage2State.APPROVED,
            stage2_submitted_at=timezone.now(),
        )
        for _ in range(3)
    ]
    now = datetime.now(UTC)
    for n in range(2):
        row(organisation, now - timedelta(hours=1), subject=f"CN=expired-{n}.example")
    for n in range(4):
        row(organisation, now + timedelta(days=20), subject=f"CN=soon-{n}.example")
    start = threading.Barrier(2)
    summaries, errors = [], []

    def worker():
        try:
            start.wait(timeout=30)
            summaries.append(certificate_check())
        except Exception as error:  # reported below, with the thread's own error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(s.holds for s in summaries) == 3
    assert sum(s.expired for s in summaries) == 2
    assert sum(s.warnings for s in summaries) == 4
    for application in applications:
        assert Hold.objects.filter(application=application, origin="certificate").count() == 1
        application.refresh_from_db()
        assert application.stage2_state == Stage2State.PAUSED
    assert len(sent("certificate_expired")) == 2
    assert len(sent("certificate_expiring")) == 4
    assert len(sent("hold_raised")) == 3


def test_withdrawing_the_expired_certificate_lifts_the_hold(approved_supplier, member, reviewer):
    application = approved_supplier
    expired = row(application.organisation, datetime.now(UTC) - timedelta(hours=1))
    certificate_check()
    client = signed_in(member)
    detail = client.get(f"/certificates/{expired.pk}").content.decode()
    assert f"/certificates/{expired.pk}/withdraw" in detail
    page = client.get(f"/certificates/{expired.pk}/withdraw")
    assert "Are you sure you want to withdraw this certificate?" in page.content.decode()
    assert signed_in(reviewer).get(f"/certificates/{expired.pk}/withdraw").status_code == 404

    first = client.post(f"/certificates/{expired.pk}/withdraw")
    second = client.post(f"/certificates/{expired.pk}/withdraw")  # a double submit
    assert first.status_code == second.status_code == 302
    expired.refresh_from_db()
    assert expired.withdrawn_at is not None and expired.withdrawn_by == member
    assert AuditEntry.objects.filter(action="certificate.withdraw").count() == 1
    hold = Hold.objects.get(origin=HoldOrigin.CERTIFICATE)
    assert not hold.is_open
    assert hold.lift_reason == "The expired certificate has been taken out of the register."
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    assert "Withdrawn" in client.get("/certificates").content.decode()
    # A withdrawn certificate is not watched any more.
    summary = certificate_check()
    assert (summary.holds, summary.expired) == (0, 0)


def test_a_withdrawn_certificate_is_not_warned_about(organisation, member):
    from certificates.services import certificate_withdraw

    certificate_withdraw(certificate=row(organisation, EXPIRES), actor=member)
    assert run_on(date(2027, 2, 25)).warnings == 0


def test_another_organisations_certificate_cannot_be_withdrawn(organisation, member, outsider):
    from applications.models import Application

    Application.objects.create(
        organisation=outsider.membership.organisation,
        scope="both",
        role="supplier",
        created_by=outsider,
    )
    certificate = row(organisation, EXPIRES)
    assert signed_in(outsider).post(f"/certificates/{certificate.pk}/withdraw").status_code == 404
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None
