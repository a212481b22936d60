"""Who the workflow tells about what, by email: the organisation's members about each decision,
hold and document request, and NHS England's reviewers about each submission and resubmission.

Each function runs inside the transaction of the change it tells about: the emails are queued in
the outbox there and sent once it commits (``notifications``), so a change that rolls back sends
nothing, and an email that fails never undoes the change."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from notifications.selectors import member_emails, reviewer_emails
from notifications.services import notify
from questionnaire.engine.answers import format_date
from workflow.models import DocumentRequest, Hold


def _absolute(path: str) -> str:
    return settings.SERVICE_URL.rstrip("/") + path


def _applicant_url(application: Application) -> str:
    return _absolute(reverse("applications:detail", kwargs={"application_id": application.pk}))


def _reviewer_url(application: Application) -> str:
    return _absolute(reverse("review:application", kwargs={"application_id": application.pk}))


def _day(value: datetime | date) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_date(value)


def notice_submitted(*, application: Application, resubmission: bool) -> None:
    """Tell the reviewers: a resubmission goes to the reviewer who has the application."""
    assert application.stage2_submitted_at is not None
    notify(
        template="stage2_resubmitted" if resubmission else "stage2_submitted",
        recipients=reviewer_emails(application.stage2_reviewer if resubmission else None),
        personalisation={
            "reference": application.reference,
            "organisation": application.organisation.name,
            "role": application.get_role_display(),
            "submitted_at": _day(application.stage2_submitted_at),
            "url": _reviewer_url(application),
        },
        application=application,
    )


def _tell_members(
    application: Application, template: str, *, url: str | None = None, **fields: str
) -> None:
    """Queue `template` to the organisation's members, with the reference, organisation and a
    link (the application page unless `url` says otherwise) beside the template's own fields."""
    notify(
        template=template,
        recipients=member_emails(application.organisation),
        personalisation={
            "reference": application.reference,
            "organisation": application.organisation.name,
            **fields,
            "url": url or _applicant_url(application),
        },
        application=application,
    )


def notice_decision(*, application: Application, decision: str, reason: str) -> None:
    _tell_members(application, "decision", decision=decision, reason=reason)


def notice_hold_raised(*, application: Application, hold: Hold) -> None:
    _tell_members(application, "hold_raised", reason=hold.reason, lifted_by=hold.what_lifts)


def notice_hold_lifted(*, application: Application, hold: Hold) -> None:
    _tell_members(application, "hold_lifted", reason=hold.lift_reason)


def notice_document_requested(*, application: Application, request: DocumentRequest) -> None:
    path = reverse(
        "applications:document_request",
        kwargs={"application_id": application.pk, "request_id": request.pk},
    )
    _tell_members(
        application,
        "document_requested",
        url=_absolute(path),
        title=request.title,
        due_date=_day(request.due_date),
    )


def notice_document_asked_again(
    *, application: Application, request: DocumentRequest, reason: str
) -> None:
    """Tell the members a reviewer has asked again for a document they sent, and why."""
    path = reverse(
        "applications:document_request",
        kwargs={"application_id": application.pk, "request_id": request.pk},
    )
    _tell_members(
        application,
        "document_asked_again",
        url=_absolute(path),
        title=request.title,
        reason=reason,
        due_date=_day(request.due_date),
    )


def notice_dspt_expiring(
    *, application: Application, published: date, lapses_on: date, days_left: int
) -> None:
    """Warn the members that their DSPT publication lapses soon (the daily re-check)."""
    path = reverse("applications:dspt_update", kwargs={"application_id": application.pk})
    _tell_members(
        application,
        "dspt_expiring",
        url=_absolute(path),
        published=_day(published),
        lapses_on=_day(lapses_on),
        days_left=str(days_left),
    )


def notice_dspt_lapsed(*, application: Application, published: date, lapsed_on: date) -> None:
    """Tell the assigned reviewer (or every reviewer, before one has it) that the daily re-check
    paused Stage 2 on a lapsed DSPT publication. The members hear of it as a hold."""
    notify(
        template="dspt_lapsed",
        recipients=reviewer_emails(application.stage2_reviewer),
        personalisation={
            "reference": application.reference,
            "organisation": application.organisation.name,
            "published": _day(published),
            "lapsed_on": _day(lapsed_on),
            "url": _reviewer_url(application),
        },
        application=application,
    )


def notice_reply(*, application: Application, about: str, section: str) -> None:
    """Tell the assigned reviewer (or every reviewer, before one has it) that the organisation
    has replied, what the reply answers (never its words), and the section page that shows it."""
    path = reverse(f"review:{section}", kwargs={"application_id": application.pk})
    notify(
        template="reply_received",
        recipients=reviewer_emails(application.stage2_reviewer),
        personalisation={
            "reference": application.reference,
            "organisation": application.organisation.name,
            "about": about,
            "url": _absolute(f"{path}#replies"),
        },
        application=application,
    )
