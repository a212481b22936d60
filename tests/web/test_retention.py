"""Retention (issue 26): the daily command removes what the privacy notice says is not kept
past its period, lists it first on a dry run, and removes exactly what that listed."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Invitation, PasswordReset
from accounts.password_resets import password_reset_issue
from accounts.people import invitation_issue
from audit.models import AuditEntry
from service_pages.models import Feedback, Satisfaction
from service_pages.services import feedback_record


def invitation(email, organisation):
    made, _ = invitation_issue(
        email=email, actor=None, organisation=organisation, kind="applicant", is_lead=False
    )
    return made


def run(*args):
    out = io.StringIO()
    call_command("retention_apply", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_what_a_run_then_removes_exactly(organisation, member, settings):
    settings.RETENTION_SPENT_LINKS_DAYS = 90
    settings.RETENTION_FEEDBACK_DAYS = 730
    long_ago = timezone.now() - timedelta(days=91)
    accepted = invitation("accepted@northern.example", organisation)
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=long_ago)
    ran_out = invitation("ran.out@northern.example", organisation)
    Invitation.objects.filter(pk=ran_out.pk).update(expires_at=long_ago)
    lately_revoked = invitation("lately@northern.example", organisation)
    Invitation.objects.filter(pk=lately_revoked.pk).update(revoked_at=timezone.now())
    live = invitation("live@northern.example", organisation)
    old_reset = password_reset_issue(email=member.email)
    PasswordReset.objects.filter(pk=old_reset.pk).update(used_at=long_ago)
    new_reset = password_reset_issue(email=member.email)  # ends the old one: used_at now
    old_feedback = feedback_record(satisfaction=Satisfaction.SATISFIED, improve="", page="")
    Feedback.objects.filter(pk=old_feedback.pk).update(
        received_at=timezone.now() - timedelta(days=731)
    )
    new_feedback = feedback_record(satisfaction=Satisfaction.NEITHER, improve="", page="")
    due = {str(accepted.pk), str(ran_out.pk), str(old_reset.pk), str(old_feedback.pk)}
    kept = {str(lately_revoked.pk), str(live.pk), str(new_reset.pk), str(new_feedback.pk)}

    listed = run("--dry-run")
    assert "Would remove 2 invitation links used, revoked or run out (kept 90 days)" in listed
    assert "Would remove 1 password reset links used or run out" in listed
    assert "Would remove 1 feedback (kept 730 days)" in listed
    assert all(pk in listed for pk in due) and not any(pk in listed for pk in kept)
    assert Invitation.objects.count() == 4 and Feedback.objects.count() == 2  # nothing yet

    removed = run()
    assert {line.strip() for line in removed.splitlines() if not line.startswith("Removed")} == due
    remaining = {
        *map(str, Invitation.objects.values_list("pk", flat=True)),
        *map(str, PasswordReset.objects.values_list("pk", flat=True)),
        *map(str, Feedback.objects.values_list("pk", flat=True)),
    }
    assert remaining == kept
    entries = AuditEntry.objects.filter(action="retention.removed")
    assert {entry.subject: entry.after["count"] for entry in entries} == {
        "invitation links used, revoked or run out": 2,
        "password reset links used or run out": 1,
        "feedback": 1,
    }
    assert all(entry.actor is None for entry in entries)
    # the record of the assurance is never removed: the audit of the links is still there
    assert AuditEntry.objects.filter(object_id=str(accepted.pk)).exists()
    assert run() == "Nothing is past its retention period\n"
