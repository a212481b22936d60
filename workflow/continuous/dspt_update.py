"""The applicant updates the DSPT of an application past draft (approved too), without reopening
the rest of the questionnaire (issue 10). The two answers go through the questionnaire's own
answer service, so they are revisions NHS England sees like any other, and the rules judge them;
a current publication at Standards Met or higher lifts the daily re-check's hold, unless the DSPT
register still shows the organisation below Standards Met since that publication."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User
from accounts.rules import is_member_of
from applications.models import Application
from applications.services import application_lock
from audit.services import Auditor
from questionnaire import definitions
from questionnaire.engine.rules import evaluate
from questionnaire.selectors import answers_by_question, response_for, response_journey
from questionnaire.services import answer_discard, answer_record
from workflow.applicant.attestations import attestations_void_stale
from workflow.continuous.dspt import DsptStanding, dspt_questions_of, dspt_standing, dspt_updatable
from workflow.continuous.dspt_register_check import register_for, register_objection
from workflow.models import HoldOrigin
from workflow.services import StaleAnswer
from workflow.state_machine.holds import hold_lift, holds_sync_rules

DSPT_HOLD_LIFTED = "Your organisation's DSPT is current and at Standards Met or higher."
NOT_PUBLISHED = "not_published"


class DsptNotUpdatable(Exception):
    """The application is in draft (the question pages are the way) or withdrawn."""


@dataclass(frozen=True)
class DsptUpdateResult:
    changed: bool
    standing: DsptStanding
    hold_lifted: bool


@transaction.atomic
def dspt_update(
    *,
    application: Application,
    status: dict[str, Any],
    published: dict[str, Any] | None,
    expected_versions: dict[str, int],
    actor: User,
) -> DsptUpdateResult:
    """Record the DSPT status and publication date (None when the status is Not Published).

    Guarantees: the actor is a member; the application is past draft and not withdrawn; nothing
    else of the questionnaire, nor the stage, changes (beyond holds: the rules' on these answers,
    and the re-check's, lifted when the DSPT is now current and at Standards Met or higher).
    Sending the same answers again changes nothing; a change made since the page was read is
    refused (``StaleAnswer``). Audited ("dspt.update")."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can update the DSPT")
    questions = dspt_questions_of(application)
    if questions is None or not dspt_updatable(application):
        raise DsptNotUpdatable(application.stage2_state)
    response = response_for(application)
    stored = answers_by_question(response)
    journey = response_journey(response, stored)
    definition = journey.definition
    wanted = {questions.status: status}
    if status.get("value") != NOT_PUBLISHED:
        if published is None:
            raise ValueError("A publication date is needed unless the DSPT is not published")
        wanted[questions.published] = published
    changed = {
        qid: value
        for qid, value in wanted.items()
        if qid not in stored or stored[qid].value != value
    }
    discard = questions.published not in wanted and questions.published in stored
    for qid in changed:
        current = stored.get(qid)
        if expected_versions.get(qid, 0) != (current.version if current else 0):
            raise StaleAnswer(current)
    before = {
        qid: stored[qid].value for qid in (questions.status, questions.published) if qid in stored
    }
    for qid, value in changed.items():
        stored[qid] = answer_record(
            response=response,
            question=definition.question(qid),
            existing=stored.get(qid),
            value=value,
            actor=actor,
        )
    if discard:
        answer_discard(response=response, answer=stored.pop(questions.published), actor=actor)
    if changed or discard:
        attestations_void_stale(application=application, stored=stored, actor=actor)
        Auditor(actor).record(
            action="dspt.update",
            obj=application,
            organisation=application.organisation,
            before=before,
            after={qid: stored[qid].value for qid in wanted if qid in stored},
        )

    today = definitions.today()
    standing = dspt_standing(
        application.role,
        {qid: answer.value for qid, answer in stored.items()},
        today,
        definitions.dspt_deadline(),
    )
    assert standing is not None
    lifted = False
    code = application.organisation.ods_code
    taken_on, register = register_for([code])
    # A passing declaration does not lift the hold while the register, taken since the declared
    # publication, shows the organisation below Standards Met (ADR 0023).
    if standing.acceptable and register_objection(standing, taken_on, register.get(code)) is None:
        for hold in application.holds.filter(
            origin=HoldOrigin.DSPT_RECHECK, lifted_at__isnull=True
        ):
            hold.application = application
            hold_lift(hold=hold, actor=actor, reason=DSPT_HOLD_LIFTED)
            lifted = True
    if changed or discard:
        holds_sync_rules(
            application=application,
            evaluation=evaluate(response_journey(response, stored)),
            actor=actor,
        )
    return DsptUpdateResult(changed=bool(changed or discard), standing=standing, hold_lifted=lifted)
