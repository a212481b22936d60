"""Delivery: a failed send is retried with backoff, gives up after the limit, and never touches
the caller's transaction; the cron sweep sends what is due, even when the worker lost the task."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.models import DBTaskResult

from accounts.models import Organisation
from audit.models import AuditEntry
from notifications.delivery import notification_attempt, notification_send_task
from notifications.models import Notification, NotificationStatus
from notifications.services import notify
from tests.notifications.conftest import DATABASE, DECISION


class FlakyEmailBackend(LocmemBackend):
    """Django's test outbox, after refusing the first `failures` sends with a connection error."""

    failures = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures > 0:
            FlakyEmailBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server refused the connection")
        return super().send_messages(messages)


@pytest.fixture
def flaky_email(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FlakyEmailBackend"

    def fail(times):
        FlakyEmailBackend.failures = times

    yield fail
    FlakyEmailBackend.failures = 0


def queue_decision(capture, recipients=("ig.lead@northern.example",)):
    with capture(execute=True):
        return notify(template="decision", recipients=list(recipients), personalisation=DECISION)


def test_a_failed_send_is_recorded_then_retried_when_due_and_succeeds(
    db, flaky_email, django_capture_on_commit_callbacks
):
    flaky_email(1)
    [row] = queue_decision(django_capture_on_commit_callbacks)

    row.refresh_from_db()
    assert mail.outbox == []
    assert row.status == NotificationStatus.QUEUED
    assert row.attempts == 1
    assert row.last_error == "ConnectionRefusedError: SMTP server refused the connection"
    first_due = row.next_attempt_at
    assert first_due - row.created_at >= timedelta(seconds=60)

    # Not yet due: nothing is attempted.
    assert notification_attempt(notification_id=row.pk, now=first_due - timedelta(seconds=1)) == (
        "skipped"
    )
    assert notification_attempt(notification_id=row.pk, now=first_due) == "sent"
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert [message.to for message in mail.outbox] == [["ig.lead@northern.example"]]


def test_retries_back_off_and_give_up_after_the_limit(
    db, flaky_email, django_capture_on_commit_callbacks
):
    flaky_email(100)
    [row] = queue_decision(django_capture_on_commit_callbacks)
    delays = []
    for _ in range(4):
        row.refresh_from_db()
        due = row.next_attempt_at
        assert notification_attempt(notification_id=row.pk, now=due) in {"retry", "failed"}
        row.refresh_from_db()
        delays.append(row.next_attempt_at - due)

    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 5
    assert delays[:3] == [timedelta(seconds=120), timedelta(seconds=240), timedelta(seconds=480)]
    assert "refused the connection" in row.last_error
    assert mail.outbox == []
    [entry] = AuditEntry.objects.filter(action="notification.fail")
    assert entry.object_id == str(row.pk)
    assert entry.after["attempts"] == 5
    # A failed notification is never attempted again.
    assert notification_attempt(
        notification_id=row.pk, now=row.next_attempt_at + timedelta(days=1)
    ) == ("skipped")


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_never_affects_the_callers_transaction(organisation, flaky_email):
    flaky_email(1)
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Decided")
        notify(template="decision", recipients=["a@northern.example"], personalisation=DECISION)
    # The commit went through, the send failed after it, and nothing was raised to the caller.
    assert Organisation.objects.get(pk=organisation.pk).name == "Decided"
    row = Notification.objects.get()
    assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)


@pytest.mark.django_db(transaction=True)
def test_an_enqueue_that_fails_after_commit_leaves_the_row_for_the_sweep(organisation, monkeypatch):
    def broken_enqueue(*args, **kwargs):
        raise ConnectionError("task queue unavailable")

    monkeypatch.setattr(ImmediateBackend, "enqueue", broken_enqueue)
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Decided")
        notify(template="decision", recipients=["a@northern.example"], personalisation=DECISION)
    assert Organisation.objects.get(pk=organisation.pk).name == "Decided"
    assert Notification.objects.get().status == NotificationStatus.QUEUED
    monkeypatch.undo()

    call_command("notifications_send_pending", "--grace-seconds", "0")
    assert Notification.objects.get().status == NotificationStatus.SENT
    assert len(mail.outbox) == 1


def test_send_pending_sends_what_is_due_and_leaves_the_rest(
    db, flaky_email, django_capture_on_commit_callbacks, capsys
):
    flaky_email(2)
    due, later = queue_decision(
        django_capture_on_commit_callbacks, ["due@northern.example", "later@northern.example"]
    )
    Notification.objects.filter(pk=due.pk).update(
        next_attempt_at=due.created_at - timedelta(minutes=5)
    )

    call_command("notifications_send_pending")

    assert "Sent 1, to retry 0, failed 0, skipped 0." in capsys.readouterr().out
    assert [message.to for message in mail.outbox] == [["due@northern.example"]]
    assert Notification.objects.get(pk=due.pk).status == NotificationStatus.SENT
    later.refresh_from_db()
    assert (later.status, later.attempts) == (NotificationStatus.QUEUED, 1)


def test_send_pending_leaves_just_due_ones_to_the_worker_for_the_grace_period(
    db, django_capture_on_commit_callbacks, settings, capsys
):
    settings.TASKS = DATABASE  # the worker has not run: the rows are queued, due now
    queue_decision(django_capture_on_commit_callbacks)

    call_command("notifications_send_pending")  # default grace: 60 seconds
    assert "Sent 0" in capsys.readouterr().out
    call_command("notifications_send_pending", "--grace-seconds", "0")
    assert "Sent 1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_with_the_database_backend_the_task_waits_in_the_database_and_retries_are_deferred(
    db, settings, flaky_email, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE
    [row] = queue_decision(django_capture_on_commit_callbacks)
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [row.pk], "kwargs": {}}
    assert DBTaskResult.objects.ready().filter(pk=queued.pk).exists()
    assert mail.outbox == []

    # What the worker does with it: one attempt, which fails and defers the retry until due.
    flaky_email(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send_task.call(row.pk) == "retry"
    row.refresh_from_db()
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.run_after == row.next_attempt_at
    assert not DBTaskResult.objects.ready().filter(pk=retry.pk).exists()


def test_send_pending_sends_what_the_worker_lost(db, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE
    [row] = queue_decision(django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()  # the worker lost it
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=row.created_at - timedelta(minutes=5)
    )

    call_command("notifications_send_pending")

    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert [message.to for message in mail.outbox] == [["ig.lead@northern.example"]]


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_a_queued_notification(organisation, settings):
    settings.TASKS = DATABASE
    with transaction.atomic():
        notify(template="decision", recipients=["a@northern.example"], personalisation=DECISION)
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    assert [message.to for message in mail.outbox] == [["a@northern.example"]]
    assert Notification.objects.get().status == NotificationStatus.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
