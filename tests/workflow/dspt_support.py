"""Applications past draft with given DSPT answers, made directly in the database (as the
benchmark seeds them): the re-check reads only rows, so these need not walk the pages."""

from django.utils import timezone

from applications.models import Application, Stage2Transition
from questionnaire.definitions import current_definition
from questionnaire.models import Answer, AnswerRevision, Response
from workflow.continuous.dspt import DSPT_QUESTIONS


def application_with_dspt(
    organisation,
    member,
    *,
    published="2025-06-15",
    status="standards_met",
    role="supplier",
    state="approved",
    reviewer=None,
):
    definition = current_definition()
    now = timezone.now()
    application = Application.objects.create(
        organisation=organisation,
        scope="both",
        role=role,
        stage2_state=state,
        stage2_submitted_at=now,
        stage2_reviewer=reviewer,
        created_by=member,
    )
    response = Response.objects.create(
        application=application, definition_id=definition.id, definition_version=1
    )
    questions = DSPT_QUESTIONS[role]
    values = {questions.status: status}
    if published is not None:
        values[questions.published] = published
    for question_id, value in values.items():
        wording = definition.question(question_id).wording()
        Answer.objects.create(
            response=response,
            question_id=question_id,
            definition_version=1,
            wording=wording,
            value={"value": value},
            answered_by=member,
            answered_at=now,
        )
        # NHS England's page reads the DSPT from the answers' revisions.
        AnswerRevision.objects.create(
            response=response,
            question_id=question_id,
            revision=1,
            change="set",
            definition_version=1,
            wording=wording,
            value={"value": value},
            display=[value],
            answered_by=member,
            answered_at=now,
        )
    Stage2Transition.objects.create(
        application=application, from_state="draft", to_state=state, actor=member, reason="Seeded"
    )
    return application
