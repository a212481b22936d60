"""NHS England's pages: the queue, an application, and every decision. Views parse input, call
a workflow service, and render; every read starts from a selector scoped to the reviewer."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.states import Role, Scope
from questionnaire import definitions
from questionnaire.engine.answers import format_date
from questionnaire.fhir_views import submission_fhir_download
from workflow.assurance_pack.pack import pack_available, pack_download, public_key_pem
from workflow.continuous.dspt_register_check import OUTCOME_LABELS
from workflow.decisions import review
from workflow.decisions.review_times import review_target, review_time
from workflow.models import HoldOrigin

from .dashboard import review_dashboard, weekly_chart
from .pages import (
    TEXT_MAX,
    application_page,
    application_url,
    decide,
    posted_version,
    reviewer_only,
    text_form,
)
from .sections import answers_context, approval_summary
from .selectors import (
    QUEUE_STATES,
    QueueFilters,
    application_for_review,
    queue_page,
    reviewers,
)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    reviewer_only(request)
    filters = QueueFilters.from_query(request.GET)
    page = queue_page(user=request.user, filters=filters, page_number=request.GET.get("page"))
    today = definitions.today()
    rows = [(application, review_time(application, today)) for application in page]
    query = filters.as_query()
    return render(
        request,
        "review/queue.jinja",
        {
            "page_title": "Applications to review",
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": bool(query),
            "query": query,
            "states": [(s.value, s.label) for s in QUEUE_STATES],
            "roles": Role.choices,
            "scopes": Scope.choices,
            "dspt_outcomes": [(o.value, label) for o, label in OUTCOME_LABELS.items()],
            "dspt_outcome_labels": {o.value: label for o, label in OUTCOME_LABELS.items()},
            "reviewers": reviewers(),
            "target": review_target(),
        },
    )


@require_GET
def application(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    return application_page(request, application_id)


def pack_response(application, user) -> HttpResponse:
    """The signed assurance pack (ADR 0026) once Stage 2 is approved; 404 before."""
    if not pack_available(application):
        raise Http404("Stage 2 is not approved")
    pack = pack_download(application=application, actor=user)
    response = HttpResponse(pack.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    return response


@require_GET
def assurance_pack(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    return pack_response(application, request.user)


@login_not_required
@require_GET
def assurance_pack_key(request: HttpRequest) -> HttpResponse:
    """The public key that verifies assurance packs: anyone may fetch it."""
    return HttpResponse(public_key_pem(), content_type="application/x-pem-file")


@require_GET
def response_fhir(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The latest submission as a FHIR R4 QuestionnaireResponse (ADR 0020)."""
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    return submission_fhir_download(application, request.user)


@require_POST
def start(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    taking_over = application.stage2_reviewer_id is not None
    return decide(
        request,
        application_id,
        lambda: review.review_start(
            application=application, actor=request.user, expected_version=posted_version(request)
        ),
        "You have taken over this review" if taking_over else "You have started the review",
    )


@require_http_methods(["GET", "POST"])
def request_changes(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    context = answers_context(application, request.user)
    rows = [row for row in context["answer_rows"] if row["answered"]]
    comments = {row["id"]: request.POST.get(f"comment-{row['id']}", "") for row in rows}

    def form(field_errors: dict[str, str], errors: list[dict[str, str]], status: int):
        return render(
            request,
            "review/request_changes.jinja",
            {
                **context,
                "application": application,
                "rows": rows,
                "page_title": "Which answers need to change?",
                "comments": comments,
                "field_errors": field_errors,
                "errors": errors,
                "back_url": application_url(application_id),
            },
            status=status,
        )

    if request.method == "GET":
        return form({}, [], 200)
    numbers = {row["id"]: row["number"] for row in rows}
    field_errors = {
        qid: f"Comment on question {numbers[qid]} must be 2,000 characters or fewer"
        for qid, text in comments.items()
        if len(text.strip()) > review.COMMENT_MAX
    }
    if not field_errors and not any(text.strip() for text in comments.values()) and rows:
        field_errors = {rows[0]["id"]: "Enter a comment on at least one answer"}
    if field_errors:
        errors = [{"text": text, "href": f"#comment-{qid}"} for qid, text in field_errors.items()]
        return form(field_errors, errors, 400)
    try:
        review.changes_request(
            application=application,
            actor=request.user,
            expected_version=posted_version(request),
            comments=comments,
        )
    except review.StaleDecision:
        return application_page(
            request,
            application_id,
            errors=[{"text": review.STALE, "href": "#decisions"}],
            status=409,
        )
    except review.DecisionRefused as refused:
        first = f"#comment-{rows[0]['id']}" if rows else "#decisions"
        return form({}, [{"text": m, "href": first} for m in refused.messages], 400)
    messages.success(
        request, "You have asked the organisation to change the answers you commented on"
    )
    return redirect(application_url(application_id))


@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    if request.method == "GET":
        return render(
            request,
            "review/approve.jinja",
            {
                **approval_summary(application),
                "application": application,
                "page_title": f"Approve stage 2 for {application.organisation.name}?",
                "back_url": application_url(application_id),
            },
        )
    return decide(
        request,
        application_id,
        lambda: review.stage2_approve(
            application=application, actor=request.user, expected_version=posted_version(request)
        ),
        "Stage 2 is approved",
    )


@require_http_methods(["GET", "POST"])
def hold_raise(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    reason = request.POST.get("reason", "")
    context = {
        "application": application,
        "reason": reason,
        "page_title": "Why are you pausing onboarding?",
        "back_url": application_url(application_id),
    }

    def form(errors: list[dict[str, str]], status: int) -> HttpResponse:
        return text_form(request, "review/hold_raise.jinja", context, errors, status)

    if request.method == "GET":
        return form([], 200)
    return decide(
        request,
        application_id,
        lambda: review.reviewer_hold_raise(
            application=application,
            actor=request.user,
            expected_version=posted_version(request),
            reason=reason,
        ),
        "Onboarding is paused",
        error_href="#reason",
        form=form,
        level=messages.INFO,  # done, but not a success for anyone: the design system's default
    )


@require_http_methods(["GET", "POST"])
def hold_lift(request: HttpRequest, application_id: uuid.UUID, hold_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    hold = get_object_or_404(application.holds, pk=hold_id, origin=HoldOrigin.REVIEWER)
    reason = request.POST.get("reason", "")
    context = {
        "application": application,
        "hold": hold,
        "reason": reason,
        "page_title": "Lift the hold",
        "back_url": application_url(application_id),
    }

    def form(errors: list[dict[str, str]], status: int) -> HttpResponse:
        return text_form(request, "review/hold_lift.jinja", context, errors, status)

    if request.method == "GET":
        if not hold.is_open:
            return redirect(application_url(application_id))
        return form([], 200)
    return decide(
        request,
        application_id,
        lambda: review.reviewer_hold_lift(
            application=application,
            hold_id=str(hold.pk),
            actor=request.user,
            expected_version=posted_version(request),
            reason=reason,
        ),
        "The hold is lifted",
        error_href="#reason",
        form=form,
    )


@require_http_methods(["GET", "POST"])
def stage_complete(request: HttpRequest, application_id: uuid.UUID, stage: int) -> HttpResponse:
    reviewer_only(request)
    if stage not in (3, 4, 5):
        raise Http404
    application = application_for_review(user=request.user, application_id=application_id)
    note = request.POST.get("note", "")
    titles = {
        3: "Home Community ID integration",
        4: "Technical conformance",
        5: "Legal agreement (connection agreement)",
    }
    context = {
        "application": application,
        "stage": stage,
        "stage_title": titles[stage],
        "note": note,
        "page_title": f"Mark stage {stage} complete",
        "back_url": application_url(application_id),
    }

    def form(errors: list[dict[str, str]], status: int) -> HttpResponse:
        return text_form(request, "review/stage_complete.jinja", context, errors, status)

    if request.method == "GET":
        return form([], 200)
    if len(note) > TEXT_MAX:
        return form([{"text": "Note must be 2,000 characters or fewer", "href": "#note"}], 400)
    return decide(
        request,
        application_id,
        lambda: review.stage_complete(
            application=application,
            actor=request.user,
            expected_version=posted_version(request),
            stage=stage,
            note=note,
        ),
        f"Stage {stage} is complete",
        error_href="#note",
        form=form,
    )


def _days_text(days: float) -> str:
    number = f"{days:g}"
    return f"{number} working day" + ("" if days == 1 else "s")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    reviewer_only(request)
    figures = review_dashboard(user=request.user, today=definitions.today())
    chart = weekly_chart(figures.weeks, lambda day: f"{day.day} {day:%b}")
    weeks = figures.weeks
    description = (
        f"Grouped bars for each of the {len(weeks)} weeks beginning "
        f"{format_date(weeks[0].start)} to {format_date(weeks[-1].start)}: "
        f"{sum(w.received for w in weeks)} received, {sum(w.approved for w in weeks)} approved "
        f"and {sum(w.returned for w in weeks)} returned for changes in all. "
        "The table below the chart gives each week's numbers."
    )
    return render(
        request,
        "review/dashboard.jinja",
        {
            "page_title": "Review times",
            "back_url": reverse("review:queue"),
            "dashboard": figures,
            "chart": chart,
            "chart_description": description,
            "days_text": _days_text,
        },
    )
