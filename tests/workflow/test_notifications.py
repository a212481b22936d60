"""The workflow tells people: members about each decision, hold and document request; reviewers
about each submission and resubmission. An email that fails never undoes the decision."""

import pytest
from django.core import mail

from accounts.models import UserKind
from accounts.services import user_create
from applications.models import Application
from notifications.delivery import notification_attempt
from notifications.models import Notification, NotificationStatus
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.conftest import PASSWORD
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer


@pytest.fixture
def email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


@pytest.fixture
def second_reviewer(db):
    return user_create(
        email="second@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )


def sent(subject_part):
    return sorted(
        address
        for message in mail.outbox
        if subject_part in message.subject
        for address in message.to
    )


def test_everyone_hears_of_what_concerns_them(
    applicant,
    colleague,
    outsider,
    reviewer,
    second_reviewer,
    email,
    django_capture_on_commit_callbacks,
):
    members = ["cso@northern.example", "ig.lead@northern.example"]
    with django_capture_on_commit_callbacks(execute=True):
        applicant.answer_all(SUPPLIER)
        applicant.submit()
    application = Application.objects.get()
    assert sent("submitted by Northern Imaging Trust") == [
        "reviewer@england.example",
        "second@england.example",
    ]
    submitted = next(m for m in mail.outbox if "submitted by" in m.subject)
    assert f"https://nir.example.nhs.uk/review/applications/{application.pk}" in submitted.body

    desk = Reviewer(signed_in(reviewer), application)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post("/start")
        desk.post("/request-changes", {"comment-s_cso": "Add the registration body."})
    assert sent("review started") == members
    assert sent("changes requested") == members
    changes = next(m for m in mail.outbox if "changes requested" in m.subject)
    assert "asked you to change 1 answer." in changes.body
    assert f"https://nir.example.nhs.uk/applications/{application.pk}" in changes.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applicant.answer("s_cso", {"answer": "Dr Ada Lovelace, GMC 1234567, UK CSO register"})
        applicant.submit()
    # A resubmission goes to the reviewer who has the application.
    assert sent("resubmitted by") == ["reviewer@england.example"]

    attest_all(application)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post("/start")
        desk.post("/holds/new", {"reason": "We are checking your DSPT."})
        hold = application.holds.get()
        desk.post(f"/holds/{hold.pk}/lift", {"reason": "Confirmed by the DSPT team."})
        desk.post(
            "/documents/new",
            {"title": "Hazard log", "due-day": "4", "due-month": "1", "due-year": "2027"},
        )
        desk.post("/approve")
    assert sent("is on hold") == members
    on_hold = next(m for m in mail.outbox if "is on hold" in m.subject)
    assert "We are checking your DSPT." in on_hold.body
    assert "NHS England will lift this hold" in on_hold.body
    assert sent("no longer on hold") == members
    assert sent("needs a document") == members
    document = next(m for m in mail.outbox if "needs a document" in m.subject)
    assert "Hazard log" in document.body and "4 January 2027" in document.body
    assert sent("stage 2 approved") == members
    # Nobody outside the organisation or NHS England was written to: not the other
    # organisation's member, who exists.
    everyone = {a for m in mail.outbox for a in m.to}
    assert outsider.email not in everyone
    assert everyone <= set(members) | {"reviewer@england.example", "second@england.example"}


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def test_an_email_that_fails_never_undoes_the_decision_and_is_retried(
    applicant, reviewer, settings, django_capture_on_commit_callbacks
):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    attest_all(application)

    settings.EMAIL_BACKEND = "tests.workflow.test_notifications.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.post("/approve").status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == "approved"
    [approval] = Notification.objects.filter(personalisation__decision="stage 2 approved")
    assert approval.status == NotificationStatus.QUEUED
    assert approval.attempts == 1
    assert "refused the connection" in approval.last_error

    # The mail server is back: the retry sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_attempt(notification_id=approval.pk, now=approval.next_attempt_at) == "sent"
    approval.refresh_from_db()
    assert approval.status == NotificationStatus.SENT
    assert [m.to for m in mail.outbox] == [["ig.lead@northern.example"]]


def test_a_decision_that_rolls_back_sends_nothing(
    applicant, reviewer, email, monkeypatch, django_capture_on_commit_callbacks
):
    """The email is queued inside the decision's transaction: when something after it fails,
    the decision and its email go together."""
    from workflow.decisions import review

    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    Reviewer(signed_in(reviewer), application).post("/start")
    attest_all(application)
    application.refresh_from_db()
    before = Notification.objects.count()
    queued = []

    def notice_then_fail(**kwargs):
        queued.append(kwargs)
        review_notice(**kwargs)
        raise RuntimeError("the database went away after the email was queued")

    review_notice = review.notice_decision
    monkeypatch.setattr(review, "notice_decision", notice_then_fail)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        review.stage2_approve(
            application=application, actor=reviewer, expected_version=application.stage2_version
        )
    assert queued, "the email was queued before the failure"
    application.refresh_from_db()
    assert application.stage2_state == "in_review"
    assert Notification.objects.count() == before
    assert not [m for m in mail.outbox if "approved" in m.subject]
