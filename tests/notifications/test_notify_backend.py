"""The GOV.UK Notify backend, driven through the official client against a fake Notify server."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail

from notifications.delivery import notification_attempt
from notifications.models import Notification, NotificationStatus
from notifications.services import notify
from tests.notifications.conftest import DECISION
from tests.notifications.fake_notify import SECRET, SERVICE_ID


def queue_decision(capture, recipients=("ig.lead@northern.example",)):
    with capture(execute=True):
        return notify(template="decision", recipients=list(recipients), personalisation=DECISION)


def test_fake_notify_receives_the_real_clients_request_with_a_valid_jwt(
    fake_notify, settings, django_capture_on_commit_callbacks
):
    [row] = queue_decision(django_capture_on_commit_callbacks)

    [request] = fake_notify.requests
    assert (request.method, request.path, request.status) == (
        "POST",
        "/v2/notifications/email",
        201,
    )
    assert request.headers["authorization"].startswith("Bearer ")
    assert request.claims["iss"] == SERVICE_ID
    assert request.headers["user-agent"].startswith("NOTIFY-API-PYTHON-CLIENT/")
    assert request.body == {
        "email_address": "ig.lead@northern.example",
        "template_id": settings.NOTIFY_TEMPLATE_IDS["decision"],
        "personalisation": DECISION,
        "reference": f"notification-{row.pk}",
    }
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert uuid.UUID(row.provider_reference)  # Notify's id for the notification
    assert mail.outbox == []  # Notify sends it, not Django


def test_fake_notify_refuses_a_token_signed_with_the_wrong_secret(
    fake_notify, settings, django_capture_on_commit_callbacks
):
    wrong_secret = str(uuid.uuid4())
    settings.NOTIFY_API_KEY = f"nir_onboarding_test-{SERVICE_ID}-{wrong_secret}"
    assert wrong_secret != SECRET
    [row] = queue_decision(django_capture_on_commit_callbacks)

    assert [request.status for request in fake_notify.requests] == [403]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)
    assert row.last_error.startswith("HTTPError: 403")


@pytest.mark.parametrize("status", [500, 429])
def test_fake_notify_failing_once_is_retried_and_then_succeeds(
    fake_notify, status, django_capture_on_commit_callbacks
):
    fake_notify.fail_next(status)
    [row] = queue_decision(django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)
    assert row.last_error.startswith(f"HTTPError: {status}")

    assert notification_attempt(notification_id=row.pk, now=row.next_attempt_at) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    assert [request.status for request in fake_notify.requests] == [status, 201]


def test_fake_notify_failing_every_time_gives_up_after_five_attempts(
    fake_notify, django_capture_on_commit_callbacks
):
    fake_notify.fail_next(*[500] * 10)
    [row] = queue_decision(django_capture_on_commit_callbacks)
    for _ in range(10):
        row.refresh_from_db()
        notification_attempt(notification_id=row.pk, now=row.next_attempt_at + timedelta(days=1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 5)
    assert len(fake_notify.requests) == 5


def test_fake_notify_rejecting_the_request_as_invalid_fails_it_at_once(
    fake_notify, django_capture_on_commit_callbacks
):
    fake_notify.fail_next(400)
    [row] = queue_decision(django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 1)
    assert "Not a valid email address" in row.last_error


def test_a_missing_template_id_is_retried_not_sent(
    fake_notify, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_TEMPLATE_IDS = {}
    [row] = queue_decision(django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert fake_notify.requests == []
    assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)
    assert "NOTIFY_TEMPLATE_DECISION" in row.last_error
    assert Notification.objects.count() == 1
