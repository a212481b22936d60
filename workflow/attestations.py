"""Key personnel and attestations in the Stage 2 workflow (ADR 0012).

The applicant keeps the application's key personnel while the answers are editable, and asks one
of them to attest an answer that rests on their sign-off, at any time until Stage 2 is approved
or withdrawn: submission does not wait for attestations, approval does. Only the person asked
(matched by email) responds, once, to the revision of the answer they were shown. Each runs in one
transaction with the application row locked; the writes audit (``attestations.services``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from django.db import transaction

from accounts.models import User, normalise_email
from accounts.rules import is_member_of
from applications.models import Application
from applications.services import application_lock
from applications.states import Stage2State
from attestations import services
from attestations.models import Attestation, AttestationStatus, KeyPerson
from attestations.selectors import (
    SAME_AS_ANSWERER,
    SAME_AS_ASKER,
    SAME_AS_ASKER_AND_ANSWERER,
    AttestationNeed,
    attestation_for_named_person,
    attestation_needs,
    attestations_for,
    key_person_get,
    same_person,
)
from questionnaire.engine.attestations import attestations_required
from questionnaire.engine.journey import Journey
from questionnaire.models import Answer, AnswerRevision
from questionnaire.selectors import (
    answers_by_question,
    response_definition,
    response_for,
    response_journey,
)

from .notices import notice_decision
from .selectors import Editability, stage2_working_state

NOT_EDITABLE = "You cannot change the key personnel now"
CLOSED = "Stage 2 has been approved or withdrawn, so attestations are no longer needed"
NOT_NEEDED = "Your answers do not need this attestation now"
WRONG_ROLE = "Select someone whose role can attest this"
ALREADY_RESPONDED = "You have already responded to this request"
NO_LONGER_COUNTS = "This request no longer counts. The organisation will ask you again if needed"
ANSWER_CHANGED = "The answer changed since you were asked, so this request no longer counts"
# The organisation requires someone else (ADR 0012): what the person asked, or the member asking,
# is told.
NOT_YOURSELF = {
    SAME_AS_ASKER_AND_ANSWERER: "you asked for this attestation and gave this answer",
    SAME_AS_ASKER: "you asked for this attestation",
    SAME_AS_ANSWERER: "you gave this answer",
}
ASK_SOMEONE_ELSE = (
    "Select someone other than {who}: {organisation} needs an answer attested by someone other "
    "than the person who gave it or asked for the attestation"
)
REASON_MAX = 2000


class AttestationRefused(Exception):
    """The change cannot be made now; the message says why, in words to show."""


def key_personnel_editable(application: Application) -> bool:
    """The key personnel can change while the answers can (draft, or changes requested)."""
    return Editability(application).any


def attestations_open(application: Application) -> bool:
    """Attestations can be asked for and given until Stage 2 is approved or withdrawn."""
    return stage2_working_state(application) not in (Stage2State.APPROVED, Stage2State.WITHDRAWN)


def _member_lock(application: Application, actor: User) -> Application:
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can do this")
    return application


@transaction.atomic
def key_person_save(
    *,
    application: Application,
    person_id: uuid.UUID | None,
    details: services.PersonDetails,
    actor: User,
) -> KeyPerson:
    """Add or change one of the key personnel. Guarantees: a member of the organisation, while
    the answers are editable."""
    application = _member_lock(application, actor)
    if not key_personnel_editable(application):
        raise AttestationRefused(NOT_EDITABLE)
    person = key_person_get(application, person_id) if person_id else None
    return services.key_person_save(
        application=application, person=person, details=details, actor=actor
    )


@transaction.atomic
def key_person_remove(*, application: Application, person_id: uuid.UUID, actor: User) -> None:
    application = _member_lock(application, actor)
    if not key_personnel_editable(application):
        raise AttestationRefused(NOT_EDITABLE)
    person = key_person_get(application, person_id)
    services.key_person_remove(application=application, person=person, actor=actor)


def _live(application: Application) -> tuple[Journey, dict[str, Answer]]:
    response = response_for(application)
    stored = answers_by_question(response)
    return response_journey(response, stored), stored


@transaction.atomic
def attestation_ask(
    *, application: Application, rule_id: str, person_id: uuid.UUID, actor: User
) -> Attestation:
    """Ask one of the key personnel to attest an answer, and email them a single-use link.

    Guarantees: a member of the organisation; Stage 2 neither approved nor withdrawn; the answers
    on the route need this attestation now; the person's role is one the definition allows;
    where the organisation requires someone else (ADR 0012), not the member asking nor whoever
    gave the answer (by email). An earlier request for it is withdrawn, so one request counts at
    a time."""
    application = _member_lock(application, actor)
    if not attestations_open(application):
        raise AttestationRefused(CLOSED)
    journey, stored = _live(application)
    rule = next((r for r in attestations_required(journey) if r.id == rule_id), None)
    if rule is None:
        raise AttestationRefused(NOT_NEEDED)
    person = key_person_get(application, person_id)
    if person.role not in rule.roles:
        raise AttestationRefused(WRONG_ROLE)
    answer = stored[rule.question]
    if application.organisation.attestation_by_someone_else:
        _refuse_same_person_asked(application, person.email, actor, answer)
    return services.attestation_request(
        application=application,
        rule=rule,
        question=journey.definition.question(rule.question),
        answer=stored[rule.question],
        person=person,
        actor=actor,
    )


def _refuse_same_person_asked(
    application: Application, email: str, actor: User, answer: Answer
) -> None:
    """The organisation requires someone else: the member may not ask the person whose email
    is their own, or that of whoever gave the answer."""
    email = normalise_email(email)
    for who, user in (("yourself", actor), ("the person who gave this answer", answer.answered_by)):
        if user is not None and normalise_email(user.email) == email:
            raise AttestationRefused(
                ASK_SOMEONE_ELSE.format(who=who, organisation=application.organisation.name)
            )


def attest_refusal(attestation: Attestation, actor: User, answerer_id: int | None) -> str:
    """Why ``actor`` may not attest this, or "": when their organisation requires someone other
    than whoever gave the answer or asked for the attestation, and they are that person."""
    organisation = attestation.application.organisation
    if not organisation.attestation_by_someone_else:
        return ""
    same = same_person(
        attester_id=actor.pk, asker_id=attestation.requested_by_id, answerer_id=answerer_id
    )
    if not same:
        return ""
    return (
        f"You cannot attest this answer because {NOT_YOURSELF[same]}. {organisation.name} "
        "needs someone else to attest it"
    )


def attest_refusal_now(attestation: Attestation, actor: User) -> str:
    """``attest_refusal`` for the revision of the answer the request is about (for the
    request's page): who gave it is one read of its revision, not a walk of the journey; a
    revision since replaced is refused by attestation_respond as no longer counting anyway."""
    if not attestation.application.organisation.attestation_by_someone_else:
        return ""
    answerer_id = (
        AnswerRevision.objects.filter(
            response__application=attestation.application,
            question_id=attestation.question_id,
            revision=attestation.answer_revision,
        )
        .values_list("answered_by_id", flat=True)
        .first()
    )
    return attest_refusal(attestation, actor, answerer_id)


@transaction.atomic
def attestation_respond(
    *, attestation_id: uuid.UUID, actor: User, attest: bool, reason: str = ""
) -> Attestation:
    """The named person attests, or declines with a reason.

    Guarantees: only the person the request was sent to (their email; anyone else gets a 404);
    once (a second response, from the same link or not, is refused); only while the answer is
    still the revision they were shown and Stage 2 is open; where the organisation requires
    someone else, never attested by whoever asked for it or gave that revision of the answer
    (they may still decline). The members are told."""
    attestation = attestation_for_named_person(user=actor, attestation_id=attestation_id)
    application = application_lock(attestation.application)
    attestation.refresh_from_db()
    if attestation.status in (AttestationStatus.ATTESTED, AttestationStatus.DECLINED):
        raise AttestationRefused(ALREADY_RESPONDED)
    if attestation.status != AttestationStatus.REQUESTED or not attestations_open(application):
        raise AttestationRefused(NO_LONGER_COUNTS)
    _, stored = _live(application)
    answer = stored.get(attestation.question_id)
    if answer is None or answer.version != attestation.answer_revision:
        raise AttestationRefused(ANSWER_CHANGED)
    reason = reason.strip()
    if not attest and not reason:
        raise ValueError("A decline needs a reason")
    if attest:
        refusal = attest_refusal(attestation, actor, answer.answered_by_id)
        if refusal:
            raise AttestationRefused(refusal)
    services.attestation_respond(attestation=attestation, actor=actor, attest=attest, reason=reason)
    who = f"{attestation.full_name} ({attestation.email})"
    notice_decision(
        application=application,
        decision="attested" if attest else "attestation declined",
        reason=f"{who} attested: {attestation.statement}"
        if attest
        else f"{who} declined to attest: {attestation.statement}\n\nTheir reason: {reason}",
    )
    return attestation


def attestations_void_stale(
    *,
    application: Application,
    stored: dict[str, Answer],
    actor: User,
    changed: Collection[str] | None = None,
) -> None:
    """Void what a change of answers has made stale (called wherever answers change).
    ``changed``: the questions whose answers changed or went, when the caller knows them. An
    attestation is only ever of a question one of the definition's attestation rules names
    (attestations_required), so a change to none of those can make none stale: nothing is read
    (issue 12: most answers are to such questions)."""
    if changed is not None:
        definition = response_definition(response_for(application))
        if not any(rule.question in changed for rule in definition.attestations):
            return
    services.attestations_void_stale(
        application=application,
        revisions={qid: answer.version for qid, answer in stored.items()},
        actor=actor,
    )


def attestation_needs_now(application: Application) -> list[AttestationNeed]:
    """The attestations the live answers need, each with where it stands."""
    journey, stored = _live(application)
    return attestation_needs(
        definition=journey.definition,
        required=attestations_required(journey),
        attestations=attestations_for(application),
        revisions={qid: answer.version for qid, answer in stored.items()},
    )


def attestation_blockers(needs: list[AttestationNeed]) -> list[str]:
    """Why the attestations stop approval, in words to show the reviewer."""
    return [
        f"Question {need.number} needs an attestation from the {' or '.join(need.roles)} "
        f"({need.status_text.lower()})"
        for need in needs
        if not need.satisfied
    ]
