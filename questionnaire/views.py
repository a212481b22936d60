"""Stage 2 pages. Each view parses input, calls a service, and renders."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.kept_answers import kept_answer_take
from accounts.rules import is_member_of
from applications.models import Application
from applications.selectors import application_get_for_member
from attestations.selectors import key_personnel_for
from evidence.upload import evidence_upload_view
from workflow.applicant.attestations import attestation_needs_now
from workflow.applicant.declaration import declaration_for
from workflow.applicant.reuse import product_siblings
from workflow.selectors import (
    answers_editable,
    copied_unconfirmed,
    submission_ready,
)
from workflow.services import (
    AnswerNotEditable,
    DiscardNotConfirmed,
    QuestionNotAvailable,
    StaleAnswer,
    SubmitStatus,
    answer_save,
    stage2_submit,
)

from . import definitions
from .engine.answers import MAIN_INPUT, FieldError, form_data_for, parse_answer
from .engine.schema import Question, QuestionKind
from .file_views import file_question_page
from .onward import page_after, stage2_urls
from .people_views import people_question_page
from .presenters import (
    application_page_context,
    question_items,
    question_url,
    rule_notices,
    summary_rows,
)
from .read_only import read_only_question
from .selectors import application_with_answers, response_definition, response_for

STALE_ANSWER = (
    "Someone else in your organisation changed this answer while you were working on it. "
    "Check the answer and continue to save your version"
)


@require_GET
def overview(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_with_answers(user=request.user, application_id=application_id)
    context = application_page_context(application)
    journey = context["journey"]
    next_question = journey.next_question()
    urls = stage2_urls(application_id)
    return render(
        request,
        "questionnaire/overview.jinja",
        {
            **context,
            "page_title": "Stage 2: Governance Assurance",
            "back_url": urls["detail"],
            "urls": urls,
            "items": question_items(
                application,
                journey,
                context["evaluation"],
                context["editability"],
                context["reuse_notes"],
            ),
            "continue_url": question_url(application, next_question.id)
            if next_question
            else urls["check_answers"],
            "has_answers": bool(context["answers"]),
            "people_items": _people_items(application),
        },
    )


def _people_items(application: Application) -> list[dict[str, Any]]:
    """The task list's key personnel and attestations rows (ADR 0012)."""
    people = len(key_personnel_for(application))
    needs = attestation_needs_now(application)
    attested = sum(1 for need in needs if need.satisfied)
    kwargs = {"application_id": application.pk}
    people_status: dict[str, Any] = (
        {"text": f"{people} recorded"}
        if people
        else {"tag": {"text": "Not yet started", "classes": "nhsuk-tag--blue"}}
    )
    if not needs:
        attestation_status: dict[str, Any] = {"text": "None needed yet"}
    elif attested == len(needs):
        attestation_status = {"text": "Completed"}
    else:
        attestation_status = {
            "tag": {"text": f"{attested} of {len(needs)} attested", "classes": "nhsuk-tag--blue"}
        }
    return [
        {
            "title": {"text": "Key personnel"},
            "href": reverse("attestations:key_personnel", kwargs=kwargs),
            "status": people_status,
        },
        {
            "title": {"text": "Attestations"},
            "hint": {"text": "NHS England approves stage 2 once each has been attested"},
            "href": reverse("attestations:list", kwargs=kwargs),
            "status": attestation_status,
        },
    ]


@evidence_upload_view
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, application_id: uuid.UUID, question_id: str) -> HttpResponse:
    # An answer posted is checked and saved by the service, which reads the answers under its
    # lock; the page reads them only when it is shown, so a save reads them once (issue 12).
    posting = request.method == "POST"
    application = application_with_answers(
        user=request.user, application_id=application_id, answers=not posting
    )
    urls = stage2_urls(application_id)
    the_question = response_definition(response_for(application)).question_or_none(question_id)
    if the_question is None:
        raise Http404
    returning = request.GET.get("return") == "check-answers"
    posted: _Posted | None = None
    # A question naming key personnel is answered from them (ADR 0038: people_question); an
    # answer posted as text (an earlier form, a script) is still taken as the text it is.
    names_people = the_question.names_role is not None and "answer" not in request.POST
    if posting and the_question.kind is not QuestionKind.FILE and not names_people:
        outcome = _answer_posted(request, application, the_question, returning, urls)
        if isinstance(outcome, HttpResponse):
            return outcome
        posted = outcome
        if posted.refused:
            # Submitted (or otherwise closed) since this request read the application: read
            # it again, so that the page says why the answer was not saved.
            application = application_with_answers(
                user=request.user, application_id=application_id, answers=True
            )

    context = application_page_context(application)
    journey = context["journey"]
    if the_question.kind is QuestionKind.FILE:
        return file_question_page(request, application, context, the_question, urls)
    if not context["editability"].question(journey, question_id):
        # Shown, not changed: a question on the route opens read-only, saying why (ADR 0036).
        if journey.can_visit(question_id):
            return read_only_question(request, context, the_question, urls)
        return redirect(urls["check_answers"])
    if not journey.can_visit(question_id):
        first = journey.next_question()
        return redirect(question_url(application, first.id) if first else urls["check_answers"])
    if names_people:
        return people_question_page(request, application, context, the_question, returning)

    stored = context["answers"].get(question_id)
    version = stored.version if stored else 0
    data: dict[str, str] = form_data_for(the_question, stored.value if stored else None)
    errors: list[FieldError] = []
    discard: list[Question] = []
    # An answer posted here after the session ended, offered back (never saved) after sign-in.
    kept = kept_answer_take(request) if request.method == "GET" else None
    if kept is not None:
        data = {key: value for key, value in kept.data.items() if key != "version"}
        version = _int(kept.data.get("version"), default=version)
    if posted is not None:
        data, errors, discard = posted.data, posted.errors, posted.discard
        version = posted.version if posted.version is not None else version

    if discard:
        return render(
            request,
            "questionnaire/confirm_discard.jinja",
            {
                **context,
                "page_title": "Are you sure you want to change your role?",
                "question": the_question,
                "data": data,
                "version": version,
                "discarded": discard,
                "cancel_url": question_url(application, question_id, return_to_check=returning),
                "action": request.get_full_path(),
            },
        )

    previous = journey.previous_question(question_id)
    back_url = (
        urls["check_answers"]
        if returning
        else question_url(application, previous.id)
        if previous
        else urls["overview"]
    )
    return render(
        request,
        "questionnaire/question.jinja",
        {
            **context,
            "page_title": the_question.text,
            "question": the_question,
            "comment": context["comments"].get(question_id),
            "reuse_note": context["reuse_notes"].get(question_id),
            "data": data,
            "version": version,
            "errors": [{"text": e.message, "href": f"#{e.input_id}"} for e in errors],
            "field_errors": {e.field: e for e in errors},
            "back_url": back_url,
            "action": request.get_full_path(),
            "urls": urls,
            "answer_kept": kept is not None,
        },
        status=400 if errors else 200,
    )


@dataclass(frozen=True)
class _Posted:
    """An answer posted and not saved: what to show on the page again."""

    data: dict[str, str]
    errors: list[FieldError]
    discard: list[Question]
    version: int | None  # the answer's current version, when it changed since the page was read
    refused: bool = False  # not open to change now: the page is read again, as it is now


def _answer_posted(
    request: HttpRequest,
    application: Application,
    the_question: Question,
    returning: bool,
    urls: dict[str, str],
) -> HttpResponse | _Posted:
    """Save the answer posted: where to go next, or why it was not saved."""
    data = {key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"}
    posted_version = _int(request.POST.get("version"), default=-1)
    parsed = parse_answer(the_question, data, definitions.today())
    if not parsed.is_valid or parsed.value is None:
        return _Posted(data, parsed.errors, [], None)
    try:
        saved = answer_save(
            application=application,
            question_id=the_question.id,
            value=parsed.value,
            expected_version=posted_version,
            actor=request.user,
            discard_confirmed=request.POST.get("confirm_discard") == "yes",
        )
    except StaleAnswer as exc:
        current = exc.current.version if exc.current else 0
        return _Posted(data, [FieldError(MAIN_INPUT, STALE_ANSWER)], [], current)
    except DiscardNotConfirmed as exc:
        return _Posted(data, [], exc.discarded, None)
    except AnswerNotEditable:
        # Refused and nothing saved: the page shows the question read-only, saying why.
        return _Posted(data, [], [], None, refused=True)
    except QuestionNotAvailable:
        # Not on the route: the page's own check sends the person to the question to answer
        # first, as a page read before the save did.
        return _Posted(data, [], [], None)
    # A save that changed the answer gives it a new version (questionnaire.services.answer_record).
    changed = saved.answer.version != posted_version
    if changed and product_siblings(application, the_question.id):
        share = reverse(
            "questionnaire:share",
            kwargs={"application_id": application.pk, "question_id": the_question.id},
        )
        return redirect(f"{share}?return=check-answers" if returning else share)
    return redirect(page_after(application, saved.journey, the_question.id, returning, urls))


def _int(raw: str | None, *, default: int) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return default


@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_with_answers(user=request.user, application_id=application_id)
    urls = stage2_urls(application_id)
    submit_refused: SubmitStatus | None = None
    if request.method == "POST":
        if not is_member_of(request.user, application.organisation):
            raise Http404
        status = stage2_submit(
            application=application,
            actor=request.user,
            declaration_digest=request.POST.get("declaration", ""),
        )
        if status in (SubmitStatus.SUBMITTED, SubmitStatus.ALREADY_SUBMITTED):
            return redirect(urls["confirmation"])
        submit_refused = status
        application.refresh_from_db()

    context = application_page_context(application)
    journey = context["journey"]
    evaluation = context["evaluation"]
    unanswered = journey.unanswered()
    ready = submission_ready(application, journey, evaluation, context["answers"])
    copied = (
        copied_unconfirmed(application, journey, context["answers"]) if context["editable"] else []
    )
    errors = []
    if submit_refused == SubmitStatus.DECLARATION_CHANGED and ready:
        errors = [
            {
                "text": "The declaration has changed since you opened this page. Read it again, "
                "then select Accept and send",
                "href": "#declaration",
            }
        ]
    elif submit_refused and copied and not unanswered:
        errors = [
            {
                "text": "You cannot submit until you confirm the answers copied from an earlier "
                "application",
                "href": "#copied",
            }
        ]
    elif submit_refused:
        errors = [
            {
                "text": "You cannot submit yet. Put right the answers listed below",
                "href": "#not-ready",
            }
        ]
    return render(
        request,
        "questionnaire/check_answers.jinja",
        {
            **context,
            "page_title": "Check your answers before submitting"
            if context["editable"]
            else "Your Stage 2 answers",
            "rows": summary_rows(
                application, journey, context["editability"], context["reuse_notes"]
            ),
            "copied": [
                (
                    journey.definition.question(answer.question_id),
                    question_url(application, answer.question_id, return_to_check=True),
                )
                for answer in copied
            ],
            "blocks": rule_notices(application, journey, evaluation.blocks),
            "flags": rule_notices(application, journey, evaluation.flags),
            "unanswered": [
                (q, question_url(application, q.id, return_to_check=True)) for q in unanswered
            ],
            "ready": ready,
            "declaration": declaration_for(
                user=request.user, organisation=application.organisation
            ),
            "unattested": sum(
                1 for need in attestation_needs_now(application) if not need.satisfied
            ),
            "attestations_url": reverse(
                "attestations:list", kwargs={"application_id": application.pk}
            ),
            "errors": errors,
            "back_url": urls["overview"],
            "urls": urls,
        },
        status=400 if errors else 200,
    )


@require_GET
def confirmation(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    if answers_editable(application):
        return redirect("questionnaire:check_answers", application_id=application_id)
    if application.stage2_submitted_at is None:
        return redirect("questionnaire:check_answers", application_id=application_id)
    return render(
        request,
        "questionnaire/confirmation.jinja",
        {
            "application": application,
            "pause": application_page_context(application)["pause"],
            "page_title": "Stage 2 submitted",
            "urls": stage2_urls(application_id),
        },
    )
