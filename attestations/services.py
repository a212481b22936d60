"""Writes of key personnel and attestations.

The Stage 2 workflow (``workflow.applicant.attestations``) decides when they may happen: it locks
the application row, checks who is acting and what the answers need, and calls these inside its
transaction. Each records an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, normalise_email
from applications.models import Application
from audit.services import Auditor
from core.tokens import token_hash, token_new
from notifications.services import notify
from questionnaire.engine.answers import display_value, format_date
from questionnaire.engine.schema import AttestationRule, Question
from questionnaire.models import Answer

from .models import (
    HAZARD_LOG_APPROVAL,
    Attestation,
    AttestationLink,
    AttestationRequest,
    AttestationStatus,
    KeyPerson,
)

VOID_REASON = "The answer changed after the request was made."
REPLACED_REASON = "The organisation asked again."
REMOVED_REASON = "The person was removed from the key personnel."
CHANGED_REASON = "The person's email address or role was changed."


@dataclass(frozen=True)
class PersonDetails:
    role: str
    full_name: str
    job_title: str
    email: str
    professional_body: str = ""
    registration_number: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "role": self.role,
            "full_name": self.full_name,
            "job_title": self.job_title,
            "email": self.email,
            "professional_body": self.professional_body,
            "registration_number": self.registration_number,
        }


def _person_fields(person: KeyPerson) -> dict[str, str]:
    return {
        "role": person.role,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "email": person.email,
        "professional_body": person.professional_body,
        "registration_number": person.registration_number,
    }


def key_person_save(
    *,
    application: Application,
    person: KeyPerson | None,
    details: PersonDetails,
    actor: User,
) -> KeyPerson:
    """Add a key person, or change one. The details were validated by the caller. Changing the
    email address or role withdraws a request still waiting for them: ask again."""
    before = _person_fields(person) if person is not None else None
    fields = {**details.as_dict(), "email": normalise_email(details.email)}
    if person is None:
        person = KeyPerson.objects.create(application=application, **fields)
    else:
        if (person.email, person.role) != (fields["email"], fields["role"]):
            # A link already sent went to the old address, or asked them in their old role.
            for waiting in person.attestations.filter(status=AttestationStatus.REQUESTED):
                attestation_end(waiting, AttestationStatus.WITHDRAWN, CHANGED_REASON, actor)
        for name, value in fields.items():
            setattr(person, name, value)
        person.save()
    Auditor(actor).record(
        action="key_person.create" if before is None else "key_person.update",
        obj=person,
        subject=person.role,
        organisation=application.organisation,
        before=before,
        after=_person_fields(person),
    )
    return person


def key_person_remove(*, application: Application, person: KeyPerson, actor: User) -> None:
    """Remove a key person. A request still waiting for them is withdrawn; what they have
    already attested stays, with their name and email as they were."""
    for attestation in person.attestations.filter(status=AttestationStatus.REQUESTED):
        attestation_end(attestation, AttestationStatus.WITHDRAWN, REMOVED_REASON, actor)
    Auditor(actor).record(
        action="key_person.delete",
        obj=person,
        subject=person.role,
        organisation=application.organisation,
        before=_person_fields(person),
    )
    person.delete()


def attestation_end(attestation: Attestation, status: str, reason: str, actor: User | None) -> None:
    """End a request or attestation (withdrawn, void), audited as ``attestation.<status>``."""
    before = attestation.status
    attestation.status = status
    attestation.ended_at = timezone.now()
    attestation.end_reason = reason
    attestation.save(update_fields=["status", "ended_at", "end_reason"])
    Auditor(actor).record(
        action=f"attestation.{status}",
        obj=attestation,
        subject=attestation.rule_id,
        organisation=attestation.application.organisation,
        before={"status": before},
        after={"status": status, "reason": reason},
    )


def attestation_request_for(
    *, application: Application, person: KeyPerson, actor: User
) -> AttestationRequest:
    """The one request to this person (by email address) for this application, made the first
    time they are asked (ADR 0038)."""
    email = normalise_email(person.email)
    request, created = AttestationRequest.objects.get_or_create(
        application=application,
        email=email,
        defaults={"full_name": person.full_name, "sent_by": actor},
    )
    if not created and request.full_name != person.full_name:
        request.full_name = person.full_name
        request.save(update_fields=["full_name", "updated_at"])
    return request


def attestation_request(
    *,
    application: Application,
    rule: AttestationRule,
    question: Question,
    answer: Answer,
    person: KeyPerson,
    actor: User,
) -> Attestation:
    """Ask ``person`` to attest ``rule``'s statement about this revision of the answer: the
    statement joins their one request for the application. Nothing is emailed here: the caller
    sends the request (``attestation_request_send``) once every statement is in it. An earlier
    request for the same statement still waiting, or attested, is withdrawn: one counts at a
    time."""
    for earlier in application.attestations.filter(
        rule_id=rule.id, status__in=[AttestationStatus.REQUESTED, AttestationStatus.ATTESTED]
    ):
        attestation_end(earlier, AttestationStatus.WITHDRAWN, REPLACED_REASON, actor)
    attestation = Attestation.objects.create(
        application=application,
        request=attestation_request_for(application=application, person=person, actor=actor),
        rule_id=rule.id,
        question_id=question.id,
        question_label=f"Question {question.number}: {question.title}",
        definition_version=answer.definition_version,
        answer_revision=answer.version,
        question_wording=answer.wording,
        answer_display=display_value(question, answer.value),
        statement=rule.statement,
        person=person,
        role=person.role,
        full_name=person.full_name,
        email=person.email,
        token_hash=None,
        requested_by=actor,
    )
    Auditor(actor).record(
        action="attestation.request",
        obj=attestation,
        subject=rule.id,
        organisation=application.organisation,
        after={
            "email": attestation.email,
            "role": attestation.role,
            "question": question.id,
            "answer_revision": attestation.answer_revision,
            "statement": attestation.statement,
        },
    )
    return attestation


def attestation_request_send(*, request: AttestationRequest, actor: User) -> AttestationLink:
    """Email the person one new single-use link to their request, listing every statement
    still waiting for them, through the outbox. Any earlier link to the request stops working
    at once; the new one expires after ``ATTESTATION_LINK_DAYS``. Only the token's SHA-256 is
    stored. Audited as ``attestation_request.send``."""
    now = timezone.now()
    replaced = request.links.filter(replaced_at__isnull=True).update(replaced_at=now)
    token = token_new()
    link = AttestationLink.objects.create(
        request=request,
        token_hash=token_hash(token),
        sent_by=actor,
        expires_at=now + timedelta(days=settings.ATTESTATION_LINK_DAYS),
    )
    request.sent_by = actor
    request.save(update_fields=["sent_by", "updated_at"])
    waiting = list(request.attestations.filter(status=AttestationStatus.REQUESTED))
    application = request.application
    Auditor(actor).record(
        action="attestation_request.send",
        obj=request,
        subject=request.email,
        organisation=application.organisation,
        after={
            "email": request.email,
            "statements": [a.rule_id for a in waiting],
            "expires_at": link.expires_at.isoformat(),
            "links_replaced": replaced,
        },
    )
    expires = format_date(timezone.localtime(link.expires_at).date())
    notify(
        template="attestation_requested",
        recipients=[request.email],
        personalisation={
            "name": request.full_name,
            "organisation": application.organisation.name,
            "reference": application.reference,
            "statements": "\n".join(f"* {a.question_label}" for a in waiting),
            "expires": expires,
            "url": settings.SERVICE_URL.rstrip("/")
            + reverse("attestations:link", kwargs={"token": token}),
        },
        application=application,
    )
    return link


def attestation_respond(
    *,
    attestation: Attestation,
    actor: User,
    attest: bool,
    reason: str,
    hazard_log: dict[str, Any] | None = None,
) -> Attestation:
    """Record the named person's response: the exact words attested, or the reason they
    declined, with who and when; with ``hazard_log``, the hazard log an attested statement
    speaks of (ADR 0045). The caller checked it is theirs and still waiting."""
    attestation.status = AttestationStatus.ATTESTED if attest else AttestationStatus.DECLINED
    attestation.responded_by = actor
    attestation.responded_at = timezone.now()
    attestation.decline_reason = "" if attest else reason
    fields = ["status", "responded_by", "responded_at", "decline_reason"]
    if attest and hazard_log is not None:
        attestation.hazard_log = hazard_log
        fields.append("hazard_log")
    attestation.save(update_fields=fields)
    after: dict[str, Any] = {
        "status": attestation.status,
        "answer_revision": attestation.answer_revision,
    }
    if attest and hazard_log is not None:
        after["hazard_log"] = hazard_log
    if attest:
        after["statement"] = attestation.statement
    else:
        after["reason"] = reason
    Auditor(actor).record(
        action="attestation.attest" if attest else "attestation.decline",
        obj=attestation,
        subject=attestation.rule_id,
        organisation=attestation.application.organisation,
        before={"status": AttestationStatus.REQUESTED},
        after=after,
    )
    return attestation


def attestations_void_stale(
    *, application: Application, revisions: dict[str, int], actor: User
) -> list[Attestation]:
    """Void every request or attestation whose answer has changed since: its question's answer
    is now another revision, or gone (``revisions`` maps question id to the answer's current
    version). Called wherever an answer is saved or discarded, in the same transaction."""
    voided = []
    for attestation in application.attestations.filter(
        status__in=[AttestationStatus.REQUESTED, AttestationStatus.ATTESTED]
    ).exclude(rule_id=HAZARD_LOG_APPROVAL):
        if revisions.get(attestation.question_id) != attestation.answer_revision:
            attestation_end(attestation, AttestationStatus.VOID, VOID_REASON, actor)
            voided.append(attestation)
    return voided


def attester_account_create(*, email: str, full_name: str, password: str) -> User:
    """An account for a named person who had none, made through their attestation link (which
    proves the address is theirs). It belongs to no organisation: it can sign in and respond to
    what is asked of that address, nothing more."""
    user = User.objects.create_user(normalise_email(email), password, full_name=full_name.strip())
    Auditor(user).record(
        action="user.create",
        obj=user,
        after={"email": user.email, "kind": user.kind, "through": "attestation link"},
    )
    return user
