import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import UserKind
from accounts.refusals import home_steps
from accounts.rules import can_review, is_applicant
from attestations.selectors import attestations_asked_of
from core.refusals import Refused
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.selectors import evidence_history
from evidence.upload import evidence_upload_view, receive_file
from ods.selectors import OdsCheck, OdsOutcome, ods_data
from questionnaire import definitions
from questionnaire.engine.answers import (
    format_date,
)
from questionnaire.presenters import application_page_context, question_url, stage_items
from questionnaire.selectors import application_with_answers
from service_pages.views import start as start_page
from workflow import services as workflow
from workflow.applicant import reuse, version_move
from workflow.assurance_pack.pack import pack_available, pack_download
from workflow.continuous.dspt import dspt_summary, dspt_updatable
from workflow.continuous.dspt_register_check import register_check_of
from workflow.decisions import documents, review
from workflow.decisions.comments import review_comments_visible_to
from workflow.decisions.review_times import review_time
from workflow.models import ReplyTo
from workflow.replies.selectors import replies_by_target, replies_for
from workflow.selectors import (
    AUP_QUESTION_ID,
    STAGE3_NEEDS_AUP,
    can_withdraw,
    document_request_events,
    document_requests_for,
    stage2_working_state,
    stage3_blockers,
    submission_latest,
)
from workflow.standing import standing_for, standings_for, with_standing_facts

from .models import Application
from .selectors import application_get_for_member, applications_visible_to
from .standing_banner import standing_banner
from .states import Scope, Stage2State

SCOPE_REQUIRED = "Select the NIR integration scope you are onboarding for"


@login_not_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """Everyone's home at `/`; someone not signed in gets the service's start page there."""
    if not request.user.is_authenticated:
        return start_page(request)
    if can_review(request.user):
        return redirect("review:queue")
    if not is_applicant(request.user):
        if request.user.kind == UserKind.APPLICANT:
            # An account made through an attestation link belongs to no organisation.
            return render(
                request,
                "attestations/home.jinja",
                {
                    "page_title": "What you have been asked to attest",
                    "attestations": attestations_asked_of(request.user),
                },
            )
        return render(request, "applications/staff_home.jinja", {"page_title": "Applications"})
    return render(
        request,
        "applications/list.jinja",
        {
            "page_title": "Your applications",
            # The table's five columns, with each application's status, need the page's width.
            "full_width": True,
            "organisation": request.user.membership.organisation,
            "applications": standings_for(
                with_standing_facts(applications_visible_to(request.user)), definitions.today()
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest) -> HttpResponse:
    if not is_applicant(request.user):
        raise Refused(
            "Applications are started by the organisations that onboard to NIR, and NHS England "
            "reviews them. Your account is not a member of an onboarding organisation.",
            home_steps(request.user),
        )
    errors = []
    ods_refusal = ""
    scope = request.POST.get("scope", "")
    if request.method == "POST":
        if scope in Scope.values:
            try:
                application = workflow.application_start(actor=request.user, scope=scope)
            except workflow.OdsRefused as refused:
                ods_refusal = ods_refusal_for_applicant(refused.check)
                errors = [{"text": ods_refusal}]
            else:
                if reuse.reuse_offered(application, request.user):
                    # Right after starting, the applicant decides whether to start from earlier
                    # answers (ADR 0020).
                    return redirect("applications:start_from", application_id=application.pk)
                return redirect("applications:detail", application_id=application.pk)
        else:
            errors = [{"text": SCOPE_REQUIRED, "href": "#scope"}]
    return render(
        request,
        "applications/start.jinja",
        {
            "page_title": "Which NIR integration scope are you onboarding for?",
            "errors": errors,
            "scope_error": errors[0]["text"] if errors and not ods_refusal else "",
            "ods_refusal": ods_refusal,
            "ods": ods_data(),
            "organisation": request.user.membership.organisation,
            "scope": scope,
            "scopes": Scope.choices,
            "back_url": "/",
        },
        status=400 if errors else 200,
    )


def ods_refusal_for_applicant(check: OdsCheck) -> str:
    """Applicants cannot change their organisation's ODS code: the message says who can."""
    if check.outcome == OdsOutcome.CLOSED and check.organisation is not None:
        return (
            f"You cannot start an application: your organisation's ODS code, {check.code}, "
            f"belongs to {check.organisation.name}, which is closed in the ODS data. Contact "
            "NHS England to correct your organisation's ODS code"
        )
    return (
        f"You cannot start an application: your organisation's ODS code, {check.code}, is not "
        "in the ODS data. Contact NHS England to correct your organisation's ODS code"
    )


@require_GET
def application_detail(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_with_answers(user=request.user, application_id=application_id)
    context = application_page_context(application)
    document_requests = document_requests_for(application)
    today = definitions.today()
    dspt = dspt_summary(application, today)
    return render(
        request,
        "applications/detail.jinja",
        {
            **context,
            "page_title": f"Application {application.reference}",
            "back_url": "/",
            "standing": standing_for(application, today),
            "banner": standing_banner(
                application,
                context["journey"],
                context["editability"].request,
                document_requests,
                today,
            ),
            "stages": stage_items(application, context["answers"]),
            # What stage 3 waits for, once Stage 2 has been approved.
            "stage3_blockers": stage3_blockers(application)
            if stage2_working_state(application) == Stage2State.APPROVED
            else [],
            "document_requests": document_requests,
            "aup_url": question_url(application, AUP_QUESTION_ID)
            if STAGE3_NEEDS_AUP in stage3_blockers(application)
            and application.stage2_state != Stage2State.WITHDRAWN
            else "",
            "today": definitions.today(),
            "can_withdraw": can_withdraw(application),
            "dspt": dspt,
            "dspt_register": register_check_of(application, dspt.standing if dspt else None),
            "dspt_updatable": dspt_updatable(application),
            "review_time": review_time(application, definitions.today()),
            "comments": review_comments_visible_to(user=request.user, application=application),
            "comment_replies": replies_by_target(
                replies_for(user=request.user, application=application, to=[ReplyTo.COMMENT])
            ),
            "start_from_offered": bool(reuse.reuse_offered(application, request.user)),
            "version_offered": version_move.version_move_offered(application, request.user),
            "submission": submission_latest(application),
            "pack_available": pack_available(application),
        },
    )


START_FROM_REQUIRED = "Select whether to start from the answers of an earlier application"
START_FRESH = "none"


def _source_label(source: Application) -> str:
    """The option's words: "NIR-…: Data Processor (Supplier), PACS One 4.2.1. Sent on 27
    November 2026, now in review"."""
    product = (
        f", {source.product_name} {source.product_version}".rstrip() if source.product_name else ""
    )
    submitted = source.stage2_submitted_at
    when = f". Sent on {format_date(timezone.localdate(submitted))}" if submitted else ""
    return (
        f"{source.reference}: {source.get_role_display()}{product}{when}, "
        f"now {source.get_stage2_state_display().lower()}"
    )


@require_http_methods(["GET", "POST"])
def application_start_from(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Start from the answers of an earlier application (issue 13, ADR 0020): offered right
    after starting, and from the application page while the new one has no answers."""
    application = application_get_for_member(user=request.user, application_id=application_id)
    detail_url = reverse("applications:detail", kwargs={"application_id": application.pk})
    overview_url = reverse("questionnaire:overview", kwargs={"application_id": application.pk})
    sources = reuse.reuse_offered(application, request.user)
    if not sources:
        return redirect(detail_url)
    choice = request.POST.get("source", "")
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        chosen = next((s for s in sources if str(s.pk) == choice), None)
        if choice == START_FRESH:
            return redirect(detail_url)
        if chosen is None:
            errors = [{"text": START_FROM_REQUIRED, "href": "#source"}]
        else:
            try:
                result = reuse.answers_reuse(
                    application=application, source=chosen, actor=request.user
                )
            except reuse.ReuseRefused:
                return redirect(overview_url)
            copied = result.response.answers.filter(copied_from__isnull=False).count()
            messages.success(
                request,
                f"{copied} {'answer' if copied == 1 else 'answers'} copied from "
                f"{chosen.reference}. Check and confirm each one before you submit",
            )
            return redirect(overview_url)
    return render(
        request,
        "applications/start_from.jinja",
        {
            "application": application,
            "page_title": "Do you want to start from the answers of an earlier application?",
            "sources": [(str(s.pk), _source_label(s)) for s in sources],
            "fresh": START_FRESH,
            "choice": choice,
            "errors": errors,
            "back_url": detail_url,
        },
        status=400 if errors else 200,
    )


@require_GET
def assurance_pack(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The signed assurance pack (ADR 0026) once Stage 2 is approved; audited; 404 before."""
    application = application_get_for_member(user=request.user, application_id=application_id)
    if not pack_available(application):
        raise Http404("Stage 2 is not approved")
    pack = pack_download(application=application, actor=request.user)
    response = HttpResponse(pack.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    return response


WITHDRAW_REASON_MAX = 2000
FILE_FIELD = "evidence"


@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    detail_url = reverse("applications:detail", kwargs={"application_id": application.pk})
    errors: list[dict[str, str]] = []
    reason = request.POST.get("reason", "")
    if not can_withdraw(application):
        # Approved or already withdrawn: say so, rather than offer a form that can only fail.
        return render(
            request,
            "applications/withdraw_not_possible.jinja",
            {
                "application": application,
                "pause": application_page_context(application)["pause"],
                "page_title": f"You cannot withdraw application {application.reference}",
                "back_url": detail_url,
            },
            status=200 if request.method == "GET" else 400,
        )
    if request.method == "POST":
        if len(reason) > WITHDRAW_REASON_MAX:
            errors = [{"text": "Reason must be 2,000 characters or fewer", "href": "#reason"}]
        else:
            try:
                review.application_withdraw(
                    application=application, actor=request.user, reason=reason
                )
            except review.DecisionRefused as refused:
                errors = [{"text": message, "href": "#reason"} for message in refused.messages]
            else:
                return redirect(detail_url)
    return render(
        request,
        "applications/withdraw.jinja",
        {
            "application": application,
            "pause": application_page_context(application)["pause"],
            "page_title": f"Are you sure you want to withdraw application {application.reference}?",
            "errors": errors,
            "reason": reason,
            "back_url": detail_url,
        },
        status=400 if errors else 200,
    )


@evidence_upload_view
@require_http_methods(["GET", "POST"])
def document_request(
    request: HttpRequest, application_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    document = get_object_or_404(application.document_requests, pk=request_id)
    detail_url = reverse("applications:detail", kwargs={"application_id": application.pk})
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    note = request.POST.get("note", "")
    if request.method == "POST":
        if len(note) > documents.NOTE_MAX:
            field_errors["note"] = "Your note must be 2,000 characters or fewer"
        try:
            received = receive_file(request, FILE_FIELD)
            if field_errors:
                received.discard()
            else:
                documents.document_request_answer(
                    request=document,
                    actor=request.user,
                    note=note,
                    received=received,
                    expected_version=_posted_version(request),
                )
        except EvidenceRefused as refused:
            field_errors[FILE_FIELD] = refused.message
        except documents.DecisionRefused as refused:
            field_errors[FILE_FIELD] = refused.messages[0]
        if not field_errors:
            messages.success(request, f"You have answered: {document.title}")
            return redirect(detail_url)
        errors = [{"text": text, "href": f"#{field}"} for field, text in field_errors.items()]
        document.refresh_from_db()
    purpose = documents.document_request_purpose(document)
    return render(
        request,
        "applications/document_request.jinja",
        {
            "application": application,
            "pause": application_page_context(application)["pause"],
            "document": document,
            "files": list(evidence_history(application, purpose)),
            "events": document_request_events(document),
            "replies": replies_by_target(
                replies_for(
                    user=request.user, application=application, to=[ReplyTo.DOCUMENT_REQUEST]
                )
            ).get(document.pk, []),
            "today": definitions.today(),
            "page_title": document.title,
            "errors": errors,
            "field_errors": field_errors,
            "file_field": FILE_FIELD,
            "max_size": size_in_words(settings.EVIDENCE_MAX_BYTES),
            "note": note,
            "back_url": detail_url,
        },
        status=400 if errors else 200,
    )


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1
