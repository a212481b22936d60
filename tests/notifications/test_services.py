"""notify(): outbox rows in the caller's transaction, sent once it commits and never on rollback."""

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import Organisation
from audit.models import AuditEntry
from notifications.models import Notification, NotificationStatus
from notifications.selectors import member_emails, reviewer_emails
from notifications.services import notify
from tests.notifications.conftest import DECISION
from tests.web.conftest import make_member


class DecisionFailed(Exception):
    pass


def test_notify_writes_one_row_per_address_and_sends_on_commit(
    application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = notify(
            template="decision",
            recipients=[
                "IG.Lead@northern.example",
                "cso@northern.example",
                "ig.lead@northern.example ",
            ],
            personalisation=DECISION,
            application=application,
        )
        assert mail.outbox == []  # nothing leaves before the commit
        assert {row.status for row in rows} == {NotificationStatus.QUEUED}

    assert len(callbacks) == 2
    assert [row.recipient for row in rows] == ["ig.lead@northern.example", "cso@northern.example"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "cso@northern.example",
        "ig.lead@northern.example",
    ]
    for row in Notification.objects.all():
        assert row.status == NotificationStatus.SENT
        assert row.attempts == 1
        assert row.sent_at is not None
        assert row.application == application
        assert row.personalisation == DECISION


def test_the_email_backend_renders_the_template_and_sends_with_django(
    application, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "nir-onboarding@england.example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify(
            template="decision",
            recipients=["ig.lead@northern.example"],
            personalisation=DECISION,
            application=application,
        )

    [message] = mail.outbox
    assert message.subject == "NIR onboarding: NIR-7KQ2-M9XD-4TPH - changes requested"
    assert "Upload your DCB0160 clinical safety case report." in message.body
    assert "https://nir-onboarding.example.nhs.uk/applications/1" in message.body
    assert message.from_email == "nir-onboarding@england.example.nhs.uk"
    row.refresh_from_db()
    assert row.provider_reference == message.message()["Message-ID"]
    assert row.provider_reference.endswith("@england.example.nhs.uk>")


def test_a_batch_is_audited_once(application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            template="decision",
            recipients=["a@northern.example", "b@northern.example"],
            personalisation=DECISION,
            application=application,
        )
    [entry] = AuditEntry.objects.filter(action="notification.queue")
    assert entry.actor is None
    assert entry.object_id == str(application.pk)
    assert entry.organisation == application.organisation
    assert entry.subject == "decision"
    assert entry.after == {
        "template": "decision",
        "recipients": ["a@northern.example", "b@northern.example"],
        "notifications": [row.pk for row in rows],
    }


def test_a_rolled_back_decision_queues_and_sends_nothing(
    application, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DecisionFailed),
        transaction.atomic(),
    ):
        notify(
            template="decision",
            recipients=["ig.lead@northern.example"],
            personalisation=DECISION,
            application=application,
        )
        raise DecisionFailed
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="notification.queue").exists()


@pytest.mark.parametrize(
    "template, recipients, personalisation, message",
    [
        ("decisions", ["a@northern.example"], DECISION, "Unknown notification template"),
        (
            "decision",
            ["a@northern.example"],
            {k: v for k, v in DECISION.items() if k != "url"},
            r"missing \['url'\]",
        ),
        ("decision", ["a@northern.example"], dict(DECISION, extra="x"), r"unexpected"),
        ("decision", ["a@northern.example", "not an address"], DECISION, "Not an email address"),
    ],
)
def test_bad_calls_raise_and_write_nothing(
    application, template, recipients, personalisation, message
):
    with pytest.raises(ValueError, match=message):
        notify(template=template, recipients=recipients, personalisation=personalisation)
    assert not Notification.objects.exists()


def test_no_recipients_queues_nothing(db):
    assert notify(template="decision", recipients=[], personalisation=DECISION) == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_in_a_real_transaction_the_email_goes_only_when_the_decision_commits(organisation):
    with pytest.raises(DecisionFailed), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Renamed")
        notify(template="decision", recipients=["a@northern.example"], personalisation=DECISION)
        raise DecisionFailed
    assert mail.outbox == []
    assert not Notification.objects.exists()

    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Renamed")
        notify(template="decision", recipients=["a@northern.example"], personalisation=DECISION)
        assert mail.outbox == []
    assert [message.to for message in mail.outbox] == [["a@northern.example"]]
    assert Notification.objects.get().status == NotificationStatus.SENT


def test_member_emails_are_the_active_members_of_that_organisation_only(
    member, colleague, outsider, reviewer
):
    leaver = make_member(member.membership.organisation, "leaver@northern.example")
    leaver.is_active = False
    leaver.save()
    assert member_emails(member.membership.organisation) == [
        "cso@northern.example",
        "ig.lead@northern.example",
    ]


def test_reviewer_emails_are_the_assigned_reviewer_or_every_active_reviewer(reviewer, member):
    from accounts.models import UserKind
    from accounts.services import user_create

    second = user_create(
        email="second.reviewer@england.example",
        password="x" * 20,
        kind=UserKind.REVIEWER,
        actor=None,
    )
    retired = user_create(
        email="retired@england.example", password="x" * 20, kind=UserKind.REVIEWER, actor=None
    )
    retired.is_active = False
    retired.save()

    assert reviewer_emails() == ["reviewer@england.example", "second.reviewer@england.example"]
    assert reviewer_emails(second) == ["second.reviewer@england.example"]
    # An assigned reviewer who has left: every active reviewer hears, not nobody.
    assert reviewer_emails(retired) == [
        "reviewer@england.example",
        "second.reviewer@england.example",
    ]
    # An applicant is never a reviewer.
    assert reviewer_emails(member) == [
        "reviewer@england.example",
        "second.reviewer@england.example",
    ]
