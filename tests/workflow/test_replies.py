"""The organisation's replies to NHS England (issue 25, ADR 0037): the one write, reply_add,
and the reads, each scoped to the reader."""

import json

import pytest
from django.db import DatabaseError, transaction

from accounts.models import UserKind
from accounts.services import user_create
from audit.models import AuditEntry
from notifications.models import Notification
from tests.conftest import PASSWORD
from tests.workflow.replies_support import INTERNAL, reviewer_said_everything
from workflow.models import Reply, ReplyTo
from workflow.replies.selectors import (
    ReplyTargetNotFound,
    replies_for,
    replies_on,
    replies_waiting,
    reply_target,
    reply_threads,
)
from workflow.replies.services import ReplyRefused, reply_add

WORDS = "We renewed the DSPT on 1 December; the new publication date is in question 4."


@pytest.fixture
def said(applicant, reviewer):
    return reviewer_said_everything(applicant, reviewer)


def add(said, member, to, text=WORDS, target=None):
    return reply_add(
        application=said.application,
        actor=member,
        to=to,
        target_id=(target or said.target(to)).pk,
        text=text,
    )


@pytest.mark.parametrize("to", ReplyTo.values)
def test_a_reply_is_kept_audited_and_emailed_to_the_assigned_reviewer(
    said, member, reviewer, to, django_capture_on_commit_callbacks
):
    # A second reviewer exists: only the one who has the application is told.
    user_create(
        email="other@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply = add(said, member, to)
    stored = Reply.objects.get()
    assert (stored.to, stored.author, stored.text) == (to, member, WORDS)
    assert stored.target_id == said.target(to).pk
    assert reply == stored
    entry = AuditEntry.objects.get(action="reply.add")
    assert entry.actor_id == member.pk
    assert entry.object_id == str(stored.pk)
    assert entry.after == {
        "application": str(said.application.pk),
        "to": to,
        "target": str(said.target(to).pk),
    }
    assert WORDS not in json.dumps([entry.before, entry.after, entry.subject])
    email = Notification.objects.get(template="reply_received")
    assert email.recipient == reviewer.email
    assert email.personalisation["reference"] == said.application.reference
    assert WORDS not in json.dumps(email.personalisation)


def test_with_no_reviewer_assigned_every_reviewer_is_emailed(applicant, reviewer, member):
    from tests.answer_sets import SUPPLIER

    applicant.answer_all(SUPPLIER)
    applicant.submit()
    from applications.models import Application
    from workflow.decisions.comments import review_comment_add

    application = Application.objects.get()
    assert application.stage2_reviewer is None
    other = user_create(
        email="other@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    comment = review_comment_add(
        application=application, actor=reviewer, text="Who is your SIRO?", visibility="applicant"
    )
    reply_add(application=application, actor=member, to="comment", target_id=comment.pk, text="Sam")
    recipients = set(
        Notification.objects.filter(template="reply_received").values_list("recipient", flat=True)
    )
    assert recipients == {reviewer.email, other.email}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your reply"),
        ("  \n ", "Enter your reply"),
        ("\x00\x07", "Enter your reply"),
        ("x" * 2001, "Reply must be 2,000 characters or fewer"),
    ],
)
def test_a_reply_that_cannot_be_sent_says_why_and_keeps_nothing(said, member, text, message):
    with pytest.raises(ReplyRefused) as refused:
        add(said, member, "hold", text)
    assert refused.value.message == message
    assert not Reply.objects.exists()
    assert not Notification.objects.filter(template="reply_received").exists()


def test_control_characters_are_removed_and_2000_characters_are_allowed(said, member):
    assert add(said, member, "hold", "Renewed\x00 on 1\x1b December\r\nSee question 4").text == (
        "Renewed on 1 December\nSee question 4"
    )
    assert add(said, member, "comment", "x" * 2000).text == "x" * 2000


def test_a_double_submit_is_one_reply_but_a_later_different_one_is_kept(said, member):
    first = add(said, member, "hold")
    assert add(said, member, "hold") == first
    assert Reply.objects.count() == 1
    assert Notification.objects.filter(template="reply_received").count() == 1
    add(said, member, "hold", "And the register shows it now.")
    assert Reply.objects.count() == 2


def test_only_the_organisations_members_reply_and_only_to_their_own_things(
    said, member, outsider, reviewer
):
    with pytest.raises(PermissionError):
        add(said, outsider, "hold")
    with pytest.raises(PermissionError):
        add(said, reviewer, "hold")
    # An internal comment is not the organisation's to read, so not to answer.
    with pytest.raises(ReplyTargetNotFound):
        add(said, member, "comment", target=said.internal)
    # A hold given as a document request is not found either.
    with pytest.raises(ReplyTargetNotFound):
        reply_add(
            application=said.application,
            actor=member,
            to="document_request",
            target_id=said.hold.pk,
            text=WORDS,
        )
    with pytest.raises(ReplyTargetNotFound):
        reply_target(user=outsider, application=said.application, to="hold", target_id=said.hold.pk)
    assert not Reply.objects.exists()


def test_replies_are_read_by_the_organisation_and_nhs_england_only(
    said, member, colleague, outsider, reviewer
):
    add(said, member, "hold")
    add(said, colleague, "comment", "Dr Grace Hopper signs it off.")
    assert [r.text for r in replies_for(user=reviewer, application=said.application)] == [
        WORDS,
        "Dr Grace Hopper signs it off.",
    ]
    assert len(replies_for(user=member, application=said.application)) == 2
    assert [
        r.to for r in replies_for(user=member, application=said.application, to=["comment"])
    ] == ["comment"]
    assert replies_for(user=outsider, application=said.application) == []


def test_each_thread_names_what_it_answers(said, member):
    for to in ReplyTo.values:
        add(said, member, to)
    threads = reply_threads(said.application, replies_on(said.application))
    abouts = {t.target.to: t.target.about for t in threads}
    assert abouts[ReplyTo.CHANGE_REQUEST] == (
        "A change request for question 6: Clinical Safety Officer"
    )
    assert abouts[ReplyTo.DOCUMENT_REQUEST] == "The document request: Clinical Safety Case Report"
    assert abouts[ReplyTo.HOLD].startswith("A hold raised on ")
    assert abouts[ReplyTo.COMMENT].startswith("A comment from NHS England on ")
    assert INTERNAL not in json.dumps([t.target.said for t in threads])


def test_a_reply_waits_for_nhs_england_until_they_act_on_what_it_answers(said, member, reviewer):
    from workflow.decisions.comments import review_comment_add
    from workflow.decisions.review import reviewer_hold_lift

    for to in ReplyTo.values:
        add(said, member, to)

    def waiting():
        return {t.to for t in replies_waiting(said.application, replies_on(said.application))}

    assert waiting() == set(ReplyTo.values)
    said.application.refresh_from_db()
    reviewer_hold_lift(
        application=said.application,
        hold_id=str(said.hold.pk),
        actor=reviewer,
        expected_version=said.application.stage2_version,
        reason="Register checked",
    )
    review_comment_add(
        application=said.application, actor=reviewer, text="Thank you", visibility="applicant"
    )
    assert waiting() == {ReplyTo.CHANGE_REQUEST, ReplyTo.DOCUMENT_REQUEST}


def test_replies_are_append_only_in_the_database(said, member):
    add(said, member, "hold")
    with pytest.raises(DatabaseError), transaction.atomic():
        Reply.objects.update(text="Something else")
    with pytest.raises(DatabaseError), transaction.atomic():
        Reply.objects.all().delete()
    with pytest.raises(ValueError):
        Reply.objects.get().save()
    assert Reply.objects.get().text == WORDS


def test_a_reply_names_exactly_one_thing_of_its_kind(said, member):
    with pytest.raises(DatabaseError), transaction.atomic():
        Reply.objects.create(
            application=said.application, to="comment", hold=said.hold, author=member, text="x"
        )
