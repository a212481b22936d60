"""Test support: NHS England's decisions on a submitted application, made through the
workflow's services as the reviewer's pages make them, so that tests of what the organisation
then sees (the applications list's status, the application page's banner) can set each up."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from accounts.models import User
from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.web.conftest import Applicant
from workflow.decisions import review
from workflow.decisions.documents import document_request_create
from workflow.models import ChangeRequest, DocumentRequest, Hold


def submitted(
    member: User, scope: str = "consumer", answers: list[tuple[str, Any]] = SUPPLIER
) -> Application:
    """An application, every question answered (a supplier's, unless ``answers`` says
    otherwise) and submitted by ``member``."""
    client = Client()
    client.force_login(member)
    applicant = Applicant(client).start(scope)
    applicant.answer_all(answers)
    assert applicant.submit().status_code == 302
    return Application.objects.filter(organisation=member.membership.organisation).latest(
        "created_at"
    )


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def reviewing(application: Application, reviewer: User) -> Application:
    application = _fresh(application)
    review.review_start(
        application=application, actor=reviewer, expected_version=application.stage2_version
    )
    return _fresh(application)


def changes_requested(
    application: Application, reviewer: User, comments: dict[str, str]
) -> ChangeRequest:
    application = reviewing(application, reviewer)
    return review.changes_request(
        application=application,
        actor=reviewer,
        expected_version=application.stage2_version,
        comments=comments,
    )


def hold_raised(application: Application, reviewer: User, reason: str) -> Hold:
    application = _fresh(application)
    return review.reviewer_hold_raise(
        application=application,
        actor=reviewer,
        expected_version=application.stage2_version,
        reason=reason,
    )


def hold_lifted(
    hold: Hold, reviewer: User, reason: str = "The reason has been dealt with."
) -> None:
    application = _fresh(hold.application)
    review.reviewer_hold_lift(
        application=application,
        hold_id=str(hold.pk),
        actor=reviewer,
        expected_version=application.stage2_version,
        reason=reason,
    )


def document_requested(
    application: Application, reviewer: User, title: str, due: date
) -> DocumentRequest:
    application = _fresh(application)
    return document_request_create(
        application=application,
        actor=reviewer,
        title=title,
        note=f"The latest {title}, signed.",
        due_date=due,
        expected_version=application.stage2_version,
    )


def approved(application: Application, reviewer: User) -> Application:
    application = reviewing(application, reviewer)
    attest_all(application)
    application = _fresh(application)
    review.stage2_approve(
        application=application, actor=reviewer, expected_version=application.stage2_version
    )
    return _fresh(application)
