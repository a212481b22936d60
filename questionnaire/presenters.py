"""Turn an application's journey and evaluation into what its pages show.

Views call these to build template context, so the templates only lay things out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.selectors import application_references
from applications.states import Stage2State
from evidence.selectors import evidence_latest
from workflow.models import Hold
from workflow.selectors import (
    Editability,
    holds_open,
    question_purpose,
    stage3_blockers,
    stages_completed,
)

from .engine.answers import display_value, format_date
from .engine.journey import Journey, is_answer_complete
from .engine.rules import Evaluation, evaluate
from .engine.schema import Question, QuestionKind, Rule
from .models import Answer, AnswerReuse
from .selectors import answers_by_question, response_for, response_journey, response_reuse

STAGE_TITLES = [
    "Setup and eligibility",
    "Governance Assurance",
    "Home Community ID integration",
    "Technical conformance",
    "Legal agreement (connection agreement)",
]
STATE_TAGS = {
    Stage2State.DRAFT: ("In progress", "nhsuk-tag--blue"),
    Stage2State.SUBMITTED: ("Submitted", "nhsuk-tag--purple"),
    Stage2State.IN_REVIEW: ("In review", "nhsuk-tag--purple"),
    Stage2State.CHANGES_REQUESTED: ("Changes requested", "nhsuk-tag--orange"),
    Stage2State.PAUSED: ("Paused", "nhsuk-tag--red"),
    Stage2State.APPROVED: ("Approved", "nhsuk-tag--green"),
    Stage2State.WITHDRAWN: ("Withdrawn", "nhsuk-tag--grey"),
}
CANNOT_START = {"text": "Cannot start yet", "classes": "nhsuk-task-list__status--cannot-start-yet"}
QUESTION_CHANGED = "The question has changed, answer again"


@dataclass(frozen=True)
class ReuseNote:
    """What a page says of a question in an application started from earlier answers."""

    text: str
    copied: bool  # a copied answer still to be confirmed; otherwise one that was not copied


def reuse_notes(
    application: Application, reuse: AnswerReuse | None, answers: dict[str, Answer]
) -> dict[str, ReuseNote]:
    """By question id: each copied answer not yet confirmed ("Copied from NIR-…, answered on
    …"), and each question left unanswered because it was not copied, with why (ADR 0020). The
    references of the applications copied from are read only when there is a note to give."""
    copied = {
        question_id: answer
        for question_id, answer in answers.items()
        if answer.copied_from_id is not None and answer.copied_answered_at is not None
    }
    not_copied = {
        question_id: why
        for question_id, why in (reuse.not_copied.items() if reuse is not None else ())
        if question_id not in answers
    }
    if not copied and not not_copied:
        return {}
    source_id = reuse.source_id if reuse is not None else None
    sources = {answer.copied_from_id for answer in copied.values()}
    if any(why != "changed" for why in not_copied.values()):
        sources.add(source_id)
    references = application_references(application, sources) if sources else {}
    # Copies come only from the organisation's own applications; were one not to, its
    # reference would not be shown.
    earlier = "an earlier application"
    notes: dict[str, ReuseNote] = {}
    for question_id, answer in copied.items():
        answered_on = format_date(timezone.localdate(answer.copied_answered_at))
        notes[question_id] = ReuseNote(
            f"Copied from {references.get(answer.copied_from_id, earlier)}, "
            f"answered on {answered_on}",
            True,
        )
    for question_id, why in not_copied.items():
        text = (
            QUESTION_CHANGED
            if why == "changed"
            else f"Not copied from {references.get(source_id, earlier)}: the DSPT "
            "publication is no longer current, answer again"
        )
        notes[question_id] = ReuseNote(text, False)
    return notes


@dataclass(frozen=True)
class RuleNotice:
    rule: Rule
    question: Question
    href: str


def question_url(
    application: Application, question_id: str, *, return_to_check: bool = False
) -> str:
    url = reverse(
        "questionnaire:question",
        kwargs={"application_id": application.pk, "question_id": question_id},
    )
    return f"{url}?return=check-answers" if return_to_check else url


def rule_notices(application: Application, journey: Journey, rules: list[Rule]) -> list[RuleNotice]:
    return [
        RuleNotice(
            rule,
            journey.definition.question(rule.question),
            question_url(application, rule.question, return_to_check=True),
        )
        for rule in rules
    ]


def pause_context(
    application: Application, journey: Journey, evaluation: Evaluation
) -> dict[str, Any]:
    """What the pause banner says: each open hold, why, and what lifts it. A rule hold links to
    the answer that triggers it while answers can be changed."""
    if application.stage2_state != Stage2State.PAUSED:
        return {}
    notices = {n.rule.id: n for n in rule_notices(application, journey, evaluation.pauses)}
    holds = holds_open(application)
    return {"holds": [hold_notice(hold, notices.get(hold.rule_id)) for hold in holds]}


def hold_notice(hold: Hold, rule_notice: RuleNotice | None) -> dict[str, Any]:
    return {
        "hold": hold,
        "origin": hold.get_origin_display(),
        "reason": hold.reason,
        "action": hold.action,
        "lifted_by": hold.what_lifts,
        "notice": rule_notice,
    }


def application_page_context(application: Application) -> dict[str, Any]:
    response = response_for(application)
    answers = answers_by_question(response)
    journey = response_journey(response, answers)
    evaluation = evaluate(journey)
    editability = Editability(application)
    return {
        "reuse_notes": reuse_notes(application, response_reuse(response), answers),
        "application": application,
        "response": response,
        "answers": answers,
        "journey": journey,
        "evaluation": evaluation,
        "editability": editability,
        "editable": editability.any,
        "comments": editability.comments,
        "pause": pause_context(application, journey, evaluation),
        "stage2_tag": stage2_tag(application, answers),
    }


def state_tag(state: str) -> dict[str, str]:
    """The tag for a Stage 2 state, the same on the applicant's and NHS England's pages."""
    text, classes = STATE_TAGS[Stage2State(state)]
    return {"text": text, "classes": classes}


def stage2_tag(application: Application, answers: dict[str, Answer]) -> dict[str, str]:
    if application.stage2_state == Stage2State.DRAFT and not answers:
        return {"text": "Not started", "classes": "nhsuk-tag--grey"}
    return state_tag(application.stage2_state)


def stage_items(application: Application, answers: dict[str, Answer]) -> list[dict[str, Any]]:
    """The five onboarding stages, in order, with where each stands."""
    stage2_href = reverse("questionnaire:overview", kwargs={"application_id": application.pk})
    items: list[dict[str, Any]] = [
        {"title": {"text": f"1. {STAGE_TITLES[0]}"}, "status": {"text": "Completed"}},
        {
            "title": {"text": f"2. {STAGE_TITLES[1]}"},
            "href": stage2_href,
            "status": {"tag": stage2_tag(application, answers)},
        },
    ]
    completed = stages_completed(application)
    can_start = not stage3_blockers(application)
    for number, title in enumerate(STAGE_TITLES[2:], start=3):
        status: dict[str, Any]
        if number in completed:
            status = {"text": "Completed"}
        elif can_start and (number == 3 or number - 1 in completed):
            status = {"tag": {"text": "In progress", "classes": "nhsuk-tag--blue"}}
        else:
            status = CANNOT_START
        items.append({"title": {"text": f"{number}. {title}"}, "status": status})
    return items


def question_items(
    application: Application,
    journey: Journey,
    evaluation: Evaluation,
    editability: Editability,
    notes: dict[str, ReuseNote] | None = None,
) -> list[dict[str, Any]]:
    """The Stage 2 task list: one row per question on the route."""
    answers = journey.relevant_answers()
    blocked = {rule.question for rule in evaluation.blocks}
    paused = {rule.question for rule in evaluation.pauses}
    items = []
    for question in journey.applicable_questions():
        title = f"{question.number}. {question.title}"
        if not journey.can_visit(question.id):
            items.append({"title": {"text": title}, "status": CANNOT_START})
            continue
        status: dict[str, Any]
        comment = editability.comments.get(question.id)
        note = (notes or {}).get(question.id)
        if comment is not None:
            status = {"tag": {"text": "Change requested", "classes": "nhsuk-tag--orange"}}
        elif note is not None and note.copied:
            status = {"tag": {"text": "Copied: confirm it", "classes": "nhsuk-tag--yellow"}}
        elif note is not None and not is_answer_complete(question, answers.get(question.id)):
            status = {"tag": {"text": "Answer again", "classes": "nhsuk-tag--orange"}}
        elif question.id in paused:
            status = {"tag": {"text": "Pauses onboarding", "classes": "nhsuk-tag--red"}}
        elif question.id in blocked:
            status = {"tag": {"text": "Stops submission", "classes": "nhsuk-tag--red"}}
        elif is_answer_complete(question, answers.get(question.id)):
            status = {"text": "Completed"}
        elif not question.required:
            status = {"tag": {"text": "Optional for now", "classes": "nhsuk-tag--grey"}}
        else:
            status = {"tag": {"text": "Not yet started", "classes": "nhsuk-tag--blue"}}
        editable = editability.question(journey, question.id)
        href = question_url(application, question.id) if editable else None
        item: dict[str, Any] = {"title": {"text": title}, "href": href, "status": status}
        if comment is not None:
            item["hint"] = {"text": f"NHS England: {comment.comment}"}
        elif note is not None:
            item["hint"] = {"text": note.text}
        items.append(item)
    return items


def summary_rows(
    application: Application,
    journey: Journey,
    editability: Editability,
    notes: dict[str, ReuseNote] | None = None,
) -> list[dict[str, Any]]:
    """Check answers: every question on the route, with a Change link that comes back here
    where the answer can be changed, and NHS England's comment where it asked for a change."""
    answers = journey.relevant_answers()
    rows = []
    for question in journey.applicable_questions():
        lines = display_value(question, answers.get(question.id))
        href = question_url(application, question.id, return_to_check=True)
        comment = editability.comments.get(question.id)
        comment_html = (
            '<p class="nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0"><strong>NHS England asked '
            f"you to change this answer:</strong> {_kept(comment.comment)}</p>"
            if comment is not None
            else ""
        )
        note = (notes or {}).get(question.id)
        note_html = (
            '<p class="nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">'
            f"<strong>{_escape(note.text)}</strong>"
            + (". Confirm it or change it" if note.copied else "")
            + "</p>"
            if note is not None
            else ""
        )
        if question.kind is QuestionKind.FILE:
            value, row_actions = _file_row(application, question, href)
            rows.append(
                {"key": {"text": f"{question.number}. {question.title}"}, "value": value}
                | row_actions
            )
            continue
        if lines:
            value = {"html": "<br>".join(_kept(line) for line in lines) + comment_html + note_html}
        else:
            value = {
                "html": f'<a class="nhsuk-link" href="{href}">Answer question {question.number}</a>'
                + note_html
            }
        row: dict[str, Any] = {
            "key": {"text": f"{question.number}. {question.title}"},
            "value": value,
        }
        if editability.question(journey, question.id) and lines:
            action = "Confirm or change" if note is not None and note.copied else "Change"
            row["actions"] = {
                "items": [{"href": href, "text": action, "visuallyHiddenText": question.title}]
            }
        rows.append(row)
    return rows


def _file_row(
    application: Application, question: Question, href: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A file question on check answers: the file that passed its checks, or what is missing.
    The file can be sent or replaced after submission too, so it keeps its link."""
    accepted = evidence_latest(application, question_purpose(question.id))
    change = {"href": href, "text": "Change", "visuallyHiddenText": question.title}
    if accepted is None:
        value = {
            "html": "Not uploaded yet. You can submit stage 2 without it, but stage 3 cannot "
            f'start until it is uploaded. <a class="nhsuk-link" href="{href}">Upload the file'
            f'<span class="nhsuk-u-visually-hidden"> for question {question.number}</span></a>'
        }
        return value, {}
    value = {"text": f"{accepted.download_name} ({accepted.get_scan_status_display()})"}
    if application.stage2_state == Stage2State.WITHDRAWN:
        return value, {}
    return value, {"actions": {"items": [change]}}


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def _kept(text: str) -> str:
    """Typed text, escaped, its line breaks shown as the person typed them (core.typed_text)."""
    from core.typed_text import as_typed

    return str(as_typed(text))
