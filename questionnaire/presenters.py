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
from evidence.status import UploadState, UploadStatus
from workflow.models import ChangeRequestItem, Hold, Reply, ReplyTo
from workflow.replies.selectors import replies_by_target, replies_on
from workflow.selectors import (
    Editability,
    holds_open,
    question_upload_status,
    stage3_blockers,
    stages_completed,
    upload_statuses,
)
from workflow.standing import STATE_TAGS

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
CANNOT_START = {"text": "Cannot start yet", "classes": "nhsuk-task-list__status--cannot-start-yet"}
QUESTION_CHANGED = "The question has changed, answer again"
FILE_NOT_UPLOADED_HINT = (
    "You can submit stage 2 without it. Stage 3 cannot start until it has been uploaded"
)


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
    # The organisation's replies to each hold, shown under it (ADR 0037).
    replies = replies_by_target(replies_on(application, [ReplyTo.HOLD])) if holds else {}
    return {
        "holds": [
            hold_notice(hold, notices.get(hold.rule_id), replies.get(hold.pk, [])) for hold in holds
        ]
    }


def hold_notice(
    hold: Hold, rule_notice: RuleNotice | None, replies: list[Reply] | None = None
) -> dict[str, Any]:
    return {
        "replies": replies or [],
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
        # The organisation's replies to the change requests it is answering (ADR 0037).
        "change_replies": replies_by_target(replies_on(application, [ReplyTo.CHANGE_REQUEST]))
        if editability.comments
        else {},
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
    blockers = stage3_blockers(application)
    for number, title in enumerate(STAGE_TITLES[2:], start=3):
        status: dict[str, Any]
        why = ""
        if number in completed:
            status = {"text": "Completed"}
        elif not blockers and number == 3:
            # Stage 2 approved: stage 3 is open; 4 and 5 wait until the one before is done.
            status = {"tag": {"text": "Open", "classes": "nhsuk-tag--blue"}}
        elif not blockers and number - 1 in completed:
            status = {"tag": {"text": "Not started", "classes": "nhsuk-tag--blue"}}
        elif not blockers:
            status = {"tag": {"text": "Not started", "classes": "nhsuk-tag--grey"}}
            why = f"Starts when stage {number - 1} is complete."
        else:
            # A stage that cannot start says why (issue 25).
            status = CANNOT_START
            why = " ".join(blockers) if number == 3 else f"Starts after stage {number - 1}."
        item: dict[str, Any] = {"title": {"text": f"{number}. {title}"}, "status": status}
        if why:
            item["hint"] = {"text": why}
        items.append(item)
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
    uploads = upload_statuses(application, journey)
    items = []
    for question in journey.applicable_questions():
        title = f"{question.number}. {question.title}"
        if not journey.can_visit(question.id):
            items.append({"title": {"text": title}, "status": CANNOT_START})
            continue
        status: dict[str, Any]
        comment = editability.comments.get(question.id)
        note = (notes or {}).get(question.id)
        if question.id in uploads:
            items.append(_file_item(application, question, uploads[question.id], comment))
            continue
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


def _file_item(
    application: Application,
    question: Question,
    upload: UploadStatus,
    comment: ChangeRequestItem | None,
) -> dict[str, Any]:
    """A file question on the task list: its one upload status (``question_upload_status``), as
    on every other page. "Uploaded" is plain text, as "Completed" is; the others are tags."""
    status: dict[str, Any] = (
        {"text": upload.text}
        if upload.accepted
        else {"tag": {"text": upload.text, "classes": upload.tag_classes}}
    )
    withdrawn = application.stage2_state == Stage2State.WITHDRAWN
    item: dict[str, Any] = {
        "title": {"text": f"{question.number}. {question.title}"},
        # The file can be sent or replaced after submission too, until withdrawal.
        "href": None if withdrawn else question_url(application, question.id),
        "status": status,
    }
    if comment is not None:
        item["hint"] = {"text": f"NHS England: {comment.comment}"}
    elif upload.message:
        item["hint"] = {"text": upload.message}
    elif upload.state is UploadState.NOT_UPLOADED:
        item["hint"] = {"text": FILE_NOT_UPLOADED_HINT}
    return item


def upload_status_html(upload: UploadStatus) -> str:
    """The status as a tag, then its message and what became of a newer file, if any."""
    html = f'<strong class="nhsuk-tag {upload.tag_classes}">{_escape(upload.text)}</strong>'
    for line in (upload.message, upload.newer_note):
        if line:
            html += f'<p class="nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">{_escape(line)}</p>'
    return html


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
            value["html"] += comment_html
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
    """A file question on check answers: the file and its one upload status, or that it is
    missing. The file can be sent or replaced after submission too, so it keeps its link."""
    upload = question_upload_status(application, question.id)
    hidden = f'<span class="nhsuk-u-visually-hidden"> for question {question.number}</span>'
    if upload.file is None:
        value = {
            "html": upload_status_html(upload)
            + '<p class="nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">You can submit stage 2 '
            "without it, but stage 3 cannot start until it has been uploaded. "
            f'<a class="nhsuk-link" href="{href}">Upload the file{hidden}</a></p>'
        }
        return value, {}
    name = _escape(upload.file.download_name)
    if upload.accepted:
        download = reverse("evidence:download", args=[upload.file.pk])
        name = f'<a class="nhsuk-link" href="{download}">{name}</a>'
    value = {"html": f'<p class="nhsuk-u-margin-bottom-2">{name}</p>' + upload_status_html(upload)}
    if application.stage2_state == Stage2State.WITHDRAWN:
        return value, {}
    change = {"href": href, "text": "Change", "visuallyHiddenText": question.title}
    return value, {"actions": {"items": [change]}}


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def _kept(text: str) -> str:
    """Typed text, escaped, its line breaks shown as the person typed them (core.typed_text)."""
    from core.typed_text import as_typed

    return str(as_typed(text))
