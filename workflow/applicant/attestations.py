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
from django.http import Http404

from accounts.models import User, normalise_email
from accounts.rules import is_member_of
from applications.models import Application
from applications.services import application_lock
from attestations import services
from attestations.models import (
    HAZARD_LOG_RULES,
    Attestation,
    AttestationLink,
    AttestationStatus,
    KeyPerson,
)
from attestations.selectors import (
    SAME_AS_ANSWERER,
    SAME_AS_ASKER,
    SAME_AS_ASKER_AND_ANSWERER,
    AttestationNeed,
    attestation_for_named_person,
    attestation_needs,
    attestations_for,
    key_person_get,
    request_for_named_person,
    same_person,
)
from hazards.services import HazardApprovalRefused, hazard_log_approve
from questionnaire.engine.attestations import attestations_required
from questionnaire.engine.journey import Journey
from questionnaire.engine.schema import Definition
from questionnaire.models import Answer, AnswerRevision
from questionnaire.selectors import (
    answers_by_question,
    response_definition,
    response_for,
    response_journey,
)
from workflow.applicant import hazard_log as log_rules
from workflow.applicant.refused import AttestationRefused as AttestationRefused
from workflow.notices import notice_decision
from workflow.selectors import Editability, stage2_working_state
from workflow.state_machine.states import DECIDED_STATES
from workflow.state_machine.transitions import stage2_touch

NOT_EDITABLE = "You cannot change the key personnel now"
CLOSED = "Stage 2 has been approved or withdrawn, so attestations are no longer needed"
NOT_NEEDED = "Your answers do not need this attestation now"
WRONG_ROLE = "Select someone whose role can attest this"
ALREADY_RESPONDED = "You have already responded to this request"
NO_LONGER_COUNTS = "This request no longer counts. The organisation will ask you again if needed"
NOTHING_WAITING = "Nothing is waiting for this person's response, so there is no link to send"
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


def key_personnel_editable(application: Application) -> bool:
    """The key personnel can change while the answers can (draft, or changes requested)."""
    return Editability(application).any


def attestations_open(application: Application) -> bool:
    """Attestations can be asked for and given until Stage 2 is approved or withdrawn."""
    return stage2_working_state(application) not in DECIDED_STATES


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
    """Ask one of the key personnel to attest one answer: ``attestations_ask`` with one choice.
    The person is emailed a new link to their request, which lists this statement with any
    others still waiting for them."""
    [attestation] = attestations_ask(
        application=application, choices={rule_id: person_id}, actor=actor
    )
    return attestation


@transaction.atomic
def attestations_ask(
    *, application: Application, choices: dict[str, uuid.UUID], actor: User
) -> list[Attestation]:
    """Ask the key personnel to attest answers (``choices``: statement id to person), and email
    each person asked ONE new link to their one request for the application, listing every
    statement waiting for them (ADR 0038).

    Guarantees: a member of the organisation; Stage 2 neither approved nor withdrawn; the answers
    on the route need each attestation now; each person's role is one the definition allows;
    where the organisation requires someone else (ADR 0012), not the member asking nor whoever
    gave the answer (by email). An earlier request for a statement is withdrawn, so one request
    counts at a time. All or nothing: one refusal asks no one."""
    application = _member_lock(application, actor)
    if not attestations_open(application):
        raise AttestationRefused(CLOSED)
    journey, stored = _live(application)
    required = {r.id: r for r in attestations_required(journey)}
    asked: list[Attestation] = []
    for rule_id, person_id in choices.items():
        rule = required.get(rule_id)
        if rule is None:
            raise AttestationRefused(NOT_NEEDED)
        person = key_person_get(application, person_id)
        if person.role not in rule.roles:
            raise AttestationRefused(WRONG_ROLE)
        answer = stored[rule.question]
        if application.organisation.attestation_by_someone_else:
            _refuse_same_person_asked(application, person.email, actor, answer)
        asked.append(
            services.attestation_request(
                application=application,
                rule=rule,
                question=journey.definition.question(rule.question),
                answer=answer,
                person=person,
                actor=actor,
            )
        )
    for request in {a.request_id: a.request for a in asked if a.request is not None}.values():
        services.attestation_request_send(request=request, actor=actor)
    return asked


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
    revision since replaced is refused by attestation_respond as no longer counting anyway. For
    the hazard log's approval, who made the log's version stands for who gave the answer."""
    if not attestation.application.organisation.attestation_by_someone_else:
        return ""
    if attestation.is_hazard_log_approval:
        return log_rules.approval_refusal(attestation, actor)
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
    """The named person attests, or declines with a reason, one statement.

    Guarantees: only the person the request was sent to (their email; anyone else gets a 404);
    once (a second response, from the same link or not, is refused); only while the answer is
    still the revision they were shown and Stage 2 is open; where the organisation requires
    someone else, never attested by whoever asked for it or gave that revision of the answer
    (they may still decline). The members are told."""
    attestation = attestation_for_named_person(user=actor, attestation_id=attestation_id)
    application = application_lock(attestation.application)
    journey, stored = _live(application)
    _respond_one(application, attestation, actor, attest, reason, stored, journey.definition)
    _tell_members(application, [(attestation, attest, reason.strip())])
    return attestation


@transaction.atomic
def attestation_request_respond(
    *, request_id: uuid.UUID, actor: User, responses: dict[uuid.UUID, tuple[bool, str]]
) -> list[Attestation]:
    """The named person responds to the statements of their request at once (``responses``:
    statement id to attest, and the reason for a decline), as ``attestation_respond`` would
    one by one, and the members are told once. All or nothing: one refusal records none."""
    request = request_for_named_person(user=actor, request_id=request_id)
    application = application_lock(request.application)
    journey, stored = _live(application)
    given = []
    chosen = list(request.attestations.filter(pk__in=list(responses)))
    # The hazard log's approval first: a statement that the log is approved, in the same
    # responses, is then given of the approved log (ADR 0045).
    chosen.sort(key=lambda a: not a.is_hazard_log_approval)
    for attestation in chosen:
        attest, reason = responses[attestation.pk]
        _respond_one(application, attestation, actor, attest, reason, stored, journey.definition)
        given.append((attestation, attest, reason.strip()))
    if given:
        _tell_members(application, given)
    return [attestation for attestation, _, _ in given]


def _respond_one(
    application: Application,
    attestation: Attestation,
    actor: User,
    attest: bool,
    reason: str,
    stored: dict[str, Answer],
    definition: Definition,
) -> None:
    attestation.refresh_from_db()
    if attestation.status in (AttestationStatus.ATTESTED, AttestationStatus.DECLINED):
        raise AttestationRefused(ALREADY_RESPONDED)
    if attestation.status != AttestationStatus.REQUESTED or not attestations_open(application):
        raise AttestationRefused(NO_LONGER_COUNTS)
    if attestation.is_hazard_log_approval:
        _respond_approval(application, attestation, actor, attest, reason)
        _stale_for_reviewers(application)
        return
    if not _rule_takes(definition, attestation):
        raise AttestationRefused(NO_LONGER_COUNTS)
    answer = stored.get(attestation.question_id)
    if answer is None or answer.version != attestation.answer_revision:
        raise AttestationRefused(ANSWER_CHANGED)
    reason = reason.strip()
    if not attest and not reason:
        raise ValueError("A decline needs a reason")
    snapshot = None
    if attest:
        refusal = attest_refusal(attestation, actor, answer.answered_by_id)
        if refusal:
            raise AttestationRefused(refusal, attestation.pk)
        if attestation.rule_id in HAZARD_LOG_RULES:
            refusal = log_rules.log_refusal(application)
            if refusal:
                raise AttestationRefused(refusal, attestation.pk)
            snapshot = log_rules.log_attested(application)
    services.attestation_respond(
        attestation=attestation, actor=actor, attest=attest, reason=reason, hazard_log=snapshot
    )
    if attestation.rule_id in HAZARD_LOG_RULES:
        _stale_for_reviewers(application)


def _stale_for_reviewers(application: Application) -> None:
    """A page NHS England opened before a response about the hazard log is stale: what it
    decides on changed (ADR 0048). Read again: an approval of the log has moved it on."""
    application.refresh_from_db(fields=["stage2_version"])
    stage2_touch(application)


def _rule_takes(definition: Definition, attestation: Attestation) -> bool:
    """Whether the application's version of the questions still has the rule the statement was
    asked under, speaking of the same question and allowing the role the person was asked in:
    a move to a new version may have changed either under the same rule id (ADR 0044), and a
    response in a role the rule now refuses would not count."""
    rule = next((r for r in definition.attestations if r.id == attestation.rule_id), None)
    return rule is not None and rule.takes(attestation.question_id, attestation.role)


def _respond_approval(
    application: Application, attestation: Attestation, actor: User, attest: bool, reason: str
) -> None:
    """The CSO approves the version of the in-service hazard log she was asked to, or declines
    with a reason (ADR 0045)."""
    reason = reason.strip()
    if not attest and not reason:
        raise ValueError("A decline needs a reason")
    if attest:
        refusal = log_rules.approval_refusal(attestation, actor)
        if refusal:
            raise AttestationRefused(refusal, attestation.pk)
        try:
            hazard_log_approve(
                application=application, actor=actor, version=attestation.answer_revision
            )
        except HazardApprovalRefused as refused:
            raise AttestationRefused(refused.reasons[0], attestation.pk) from refused
    services.attestation_respond(
        attestation=attestation,
        actor=actor,
        attest=attest,
        reason=reason,
        # What she approved, row by row, is on record with her response (ADR 0048).
        hazard_log=log_rules.log_approved(application) if attest else None,
    )


def _tell_members(application: Application, given: list[tuple[Attestation, bool, str]]) -> None:
    first = given[0][0]
    who = f"{first.full_name} ({first.email})"
    parts = [
        f"{who} attested: {a.statement}"
        if attest
        else f"{who} declined to attest: {a.statement}\n\nTheir reason: {reason}"
        for a, attest, reason in given
    ]
    declined = any(not attest for _, attest, _ in given)
    notice_decision(
        application=application,
        decision="attestation declined" if declined else "attested",
        reason="\n\n".join(parts),
    )


@transaction.atomic
def hazard_log_approval_ask(*, application: Application, actor: User) -> tuple[Attestation, bool]:
    """Ask the named CSO to approve the in-service hazard log as it is now, in her one request
    (ADR 0045). Guarantees: a member of the organisation; Stage 2 open; the log has hazards
    and is not approved as it is. Whether she was emailed (not when her open request already
    has a live link)."""
    application = _member_lock(application, actor)
    if not attestations_open(application):
        raise AttestationRefused(CLOSED)
    return log_rules.approval_ask(application=application, actor=actor)


@transaction.atomic
def attestation_request_resend(
    *, application: Application, request_id: uuid.UUID, actor: User
) -> AttestationLink:
    """Send the person a new link to their request (the old one stops working at once), when
    it has statements still waiting. Guarantees: a member of the organisation; Stage 2 open."""
    application = _member_lock(application, actor)
    if not attestations_open(application):
        raise AttestationRefused(CLOSED)
    request = application.attestation_requests.filter(pk=request_id).first()
    if request is None:
        raise Http404
    if not request.attestations.filter(status=AttestationStatus.REQUESTED).exists():
        raise AttestationRefused(NOTHING_WAITING)
    return services.attestation_request_send(request=request, actor=actor)


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
    attestations = attestations_for(application)
    return attestation_needs(
        definition=journey.definition,
        required=attestations_required(journey),
        attestations=attestations,
        revisions={qid: answer.version for qid, answer in stored.items()},
        hazard_log_refusal=log_rules.log_refusal_for(application, attestations),
    )


def attestation_blockers(needs: list[AttestationNeed]) -> list[str]:
    """Why the attestations stop approval, in words to show the reviewer."""
    return [
        f"Question {need.number} needs an attestation from the {' or '.join(need.roles)} "
        f"({need.status_text.lower()})"
        for need in needs
        if not need.satisfied
    ]
