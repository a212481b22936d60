"""The sections of one application (review/sections.py), and the requests for changes a
reviewer collects answer by answer on the answers section, then sends together."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.models import EvidenceFile
from questionnaire import definitions
from workflow.continuous.dspt import dspt_for_review
from workflow.continuous.dspt_register_check import register_check_annotated
from workflow.decisions import comments, review
from workflow.decisions.change_drafts import (
    DraftRefused,
    change_draft_remove,
    change_draft_save,
    change_drafts_of,
    change_drafts_send,
)
from workflow.replies.selectors import replies_for, reply_threads
from workflow.selectors import upload_statuses

from .pages import application_page, application_url, posted_version, reviewer_only, section_page
from .presenters import answer_rows, submitted_of
from .sections import (
    answers_context,
    evidence_context,
    holds_context,
    people_context,
    section_url,
    timeline_context,
)
from .selectors import application_for_review


def _application(request: HttpRequest, application_id: uuid.UUID) -> Any:
    reviewer_only(request)
    return application_for_review(user=request.user, application_id=application_id)


@require_GET
def answers(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    context = answers_context(application, request.user)
    return section_page(request, application, "answers", "review/answers.jinja", context)


@require_GET
def evidence(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    context = evidence_context(application)
    latest = context["latest_submission"]
    dspt, dspt_updates = dspt_for_review(
        application,
        submitted_at=latest.submitted_at if latest else None,
        definition=context["journey"].definition,
        today=definitions.today(),
    )
    context |= {
        "dspt": dspt,
        "dspt_updates": dspt_updates,
        "dspt_register": register_check_annotated(application, dspt.standing if dspt else None),
    }
    return section_page(request, application, "evidence", "review/evidence.jinja", context)


@require_GET
def people(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    context = people_context(application)
    return section_page(request, application, "people", "review/people.jinja", context)


@require_GET
def holds(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    context = holds_context(application)
    return section_page(request, application, "holds", "review/holds.jinja", context)


@require_GET
def timeline(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    context = timeline_context(application, request.GET)
    return section_page(request, application, "timeline", "review/timeline.jinja", context)


@require_http_methods(["GET", "POST"])
def comments_section(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The comments, and a form to add one (internal, or for the applicant)."""
    application = _application(request, application_id)
    form: dict[str, Any] = {"text": "", "visibility": "", "errors": {}}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        text = request.POST.get("text", "")
        visibility = request.POST.get("visibility", "")
        try:
            comments.review_comment_add(
                application=application, actor=request.user, text=text, visibility=visibility
            )
        except comments.CommentRefused as refused:
            errors = [
                {"text": message, "href": f"#{field}"} for field, message in refused.errors.items()
            ]
            form = {"text": text, "visibility": visibility, "errors": refused.errors}
        else:
            if visibility == "internal":
                messages.success(request, "Your internal comment has been added (NHS England only)")
            else:
                messages.success(request, "Your comment for the applicant has been added")
            return redirect(section_url("comments", application, "comments"))
    context = {
        "comments": comments.review_comments_visible_to(user=request.user, application=application),
        "comment_form": form,
        "reply_threads": reply_threads(
            application, replies_for(user=request.user, application=application, to=["comment"])
        ),
    }
    return section_page(
        request,
        application,
        "comments",
        "review/comments.jinja",
        context,
        errors=errors,
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def answer_change(
    request: HttpRequest, application_id: uuid.UUID, question_id: str
) -> HttpResponse:
    """One submitted answer in full (the question's wording, the answer, its files) with a box
    for what must change; saving keeps it with the reviewer's other requests, unsent."""
    application = _application(request, application_id)
    submitted = submitted_of(application)
    uploads = upload_statuses(application, submitted.journey)
    rows = [r for r in answer_rows(submitted.journey, submitted.answers, uploads) if r["answered"]]
    row = next((r for r in rows if r["id"] == question_id), None)
    if row is None:
        raise Http404("No such submitted answer")
    drafts = change_drafts_of(application=application, reviewer=request.user)
    draft = drafts.get(question_id)
    comment = request.POST.get("comment", draft.comment if draft else "")
    error = ""
    if request.method == "POST":
        try:
            change_draft_save(
                application=application,
                actor=request.user,
                question_id=question_id,
                comment=comment,
            )
        except DraftRefused as refused:
            error = refused.message
        else:
            messages.success(
                request, f"Your request for a change to question {row['number']} is kept"
            )
            return redirect(section_url("answers", application, f"answer-{row['number']}"))
    purpose = f"question:{question_id}"
    files = EvidenceFile.objects.filter(application=application, purpose=purpose).order_by(
        "-revision"
    )
    return section_page(
        request,
        application,
        "answers",
        "review/answer_change.jinja",
        {
            "page_title": f"Request a change to question {row['number']}",
            "back_url": section_url("answers", application, f"answer-{row['number']}"),
            "row": row,
            "draft": draft,
            "comment": comment,
            "error": error,
            "files": list(files[:1]),
        },
        errors=[{"text": error, "href": "#comment"}] if error else [],
        status=400 if error else 200,
    )


@require_POST
def answer_change_remove(
    request: HttpRequest, application_id: uuid.UUID, question_id: str
) -> HttpResponse:
    application = _application(request, application_id)
    if change_draft_remove(application=application, actor=request.user, question_id=question_id):
        messages.success(request, "The request for a change has been removed")
    return redirect(section_url("answers", application))


@require_http_methods(["GET", "POST"])
def changes_send(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Check the changes collected, then send them as one "changes requested" decision."""
    application = _application(request, application_id)
    drafts = change_drafts_of(application=application, reviewer=request.user)
    if request.method == "POST":
        try:
            sent = change_drafts_send(
                application=application,
                actor=request.user,
                expected_version=posted_version(request),
            )
        except review.DecisionRefused as refused:
            stale = isinstance(refused, review.StaleDecision)
            errors = [{"text": m, "href": "#decisions"} for m in refused.messages]
            return application_page(
                request, application_id, errors=errors, status=409 if stale else 400
            )
        count = sent.items.count()
        messages.success(
            request,
            f"You have asked the organisation to change {count} answer"
            + ("" if count == 1 else "s"),
        )
        return redirect(application_url(application_id))
    if not drafts:
        return redirect(section_url("answers", application))
    submitted = submitted_of(application)
    titles = {q.id: (q.number, q.title) for q in submitted.journey.definition.questions}
    count = len(drafts)
    return section_page(
        request,
        application,
        "answers",
        "review/changes_send.jinja",
        {
            "page_title": f"Send {count} change request{'' if count == 1 else 's'} "
            "to the organisation?",
            "back_url": section_url("answers", application),
            "drafts": [(titles[qid], draft) for qid, draft in drafts.items()],
        },
    )
