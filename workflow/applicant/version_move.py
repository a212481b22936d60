"""A draft moved to the questionnaire version now published (issue 26 item 2, ADR 0044).

While an application is a draft never submitted, its onboarding lead is offered the version new
applications answer, when it is newer than the one the draft was started on. Moving carries each
answer whose question is still asked with the same answer type (questionnaire.engine.versions.
answer_shape); every other answer is discarded, its history kept. Nothing is carried silently:
the move records which were carried (and which of those were reworded), which must be given
again, and which are no longer asked, and the lead is shown exactly that. Submitted applications
keep their version."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_member_of, is_onboarding_lead
from applications.models import Application
from applications.services import application_lock
from applications.states import Stage2State
from attestations.models import Attestation, AttestationStatus
from attestations.version_move import (
    REWORDED_REASON,
    RULE_CHANGED_REASON,
    attestations_reworded,
    attestations_void_reworded,
)
from audit.services import Auditor
from questionnaire import definitions
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import AttestationRule, Definition
from questionnaire.engine.versions import MovePlan, move_plan
from questionnaire.models import VersionMove
from questionnaire.selectors import answers_by_question, response_definition, response_for
from questionnaire.services import answer_discard
from workflow.applicant.attestations import attestations_void_stale
from workflow.state_machine.holds import holds_sync_rules


class VersionMoveRefused(Exception):
    """The application cannot move to the current version (any more)."""


class VersionMoveOutdated(Exception):
    """A version newer than the one the lead was shown has been published since: nothing moved,
    the lead is shown what moving to ``target`` means."""

    def __init__(self, target: Definition) -> None:
        super().__init__(target.version)
        self.target = target


def version_move_offered(application: Application, user: User) -> Definition | None:
    """The version ``application`` may move to, for ``user``: the current version, when it is
    newer than the application's, the application is a draft never submitted, and the user is
    an onboarding lead of its organisation. Else None."""
    if application.stage2_state != Stage2State.DRAFT or application.stage2_submitted_at:
        return None
    if not is_onboarding_lead(user) or not is_member_of(user, application.organisation):
        return None
    response = response_for(application)
    current = definitions.current_definition()
    if current.id != response.definition_id or current.version <= response.definition_version:
        return None
    return current


def version_move_plan(application: Application, target: Definition) -> MovePlan:
    """What moving would do to the application's answers (nothing is written)."""
    response = response_for(application)
    return move_plan(response_definition(response), target, set(answers_by_question(response)))


def _rules(target: Definition) -> dict[str, AttestationRule]:
    return {rule.id: rule for rule in target.attestations}


def version_move_attestations(application: Application, target: Definition) -> list[Attestation]:
    """The requests and attestations moving to ``target`` would end, to be given again: of a
    reworded question, or a rule whose statement, question or roles no longer take it as given
    (nothing is written)."""
    plan = version_move_plan(application, target)
    return attestations_reworded(
        application=application, questions=plan.reworded, rules=_rules(target)
    )


def version_moved_attestations(move: VersionMove) -> list[Attestation]:
    """The requests and attestations ``move`` ended because their words changed."""
    return list(
        Attestation.objects.filter(
            application_id=move.response.application_id,
            status=AttestationStatus.VOID,
            end_reason__in=[REWORDED_REASON, RULE_CHANGED_REASON],
            ended_at__gte=move.moved_at,
        )
    )


def version_move_latest(application: Application) -> VersionMove | None:
    return VersionMove.objects.filter(response__application=application).first()


@transaction.atomic
def version_move(
    *,
    application: Application,
    actor: User,
    to_version: int | None = None,
    definition_id: str | None = None,
) -> VersionMove:
    """Move the draft to the current version.

    Guarantees: only what version_move_offered offers, checked with the application row locked
    (a second submit is refused); answers carried only where the question id and its answer
    type match, every other answer discarded with a revision; the move recorded with each list
    and audited; rule holds and stale attestations brought in line with the answers kept, and
    every request or attestation of a reworded question or statement voided (it was given to
    other words), and every one its rule now speaks of another question for or refuses the
    role of. With ``to_version`` (and ``definition_id``), the version the lead was shown:
    when another is current now, nothing moves (VersionMoveOutdated)."""
    application = application_lock(application)
    target = version_move_offered(application, actor)
    if target is None:
        raise VersionMoveRefused(application.reference)
    if (to_version is not None and target.version != to_version) or (
        definition_id is not None and target.id != definition_id
    ):
        raise VersionMoveOutdated(target)
    response = response_for(application)
    from_version = response.definition_version
    stored = answers_by_question(response)
    plan = move_plan(response_definition(response), target, set(stored))
    discarded = [*plan.to_answer_again, *plan.no_longer_asked]
    for question_id in discarded:
        answer_discard(response=response, answer=stored.pop(question_id), actor=actor)
    response.definition_version = target.version
    response.save(update_fields=["definition_version", "updated_at"])
    moved_at = timezone.now()
    move = VersionMove.objects.create(
        response=response,
        from_version=from_version,
        to_version=target.version,
        carried=plan.carried,
        to_answer_again=plan.to_answer_again,
        no_longer_asked=plan.no_longer_asked,
        moved_by=actor,
        moved_at=moved_at,
    )
    Auditor(actor).record(
        action="response.version_move",
        obj=response,
        organisation=application.organisation,
        before={"definition_version": from_version},
        after={
            "definition_version": target.version,
            "carried": plan.carried,
            "reworded": plan.reworded,
            "to_answer_again": plan.to_answer_again,
            "no_longer_asked": plan.no_longer_asked,
        },
    )
    attestations_void_stale(application=application, stored=stored, actor=actor, changed=discarded)
    # A carried answer keeps its revision, so the above keeps its attestation: one given to a
    # question or statement since reworded was given to other words, and one whose rule now
    # speaks of another question or refuses its role was not given as the rule asks: both are
    # voided here.
    attestations_void_reworded(
        application=application,
        questions=plan.reworded,
        rules=_rules(target),
        actor=actor,
    )
    holds_sync_rules(
        application=application,
        evaluation=evaluate(
            Journey(
                target,
                {qid: answer.value for qid, answer in stored.items()},
                definitions.today(),
                definitions.dspt_deadline(),
            )
        ),
        actor=actor,
    )
    return move
