"""Administrators' pages for questionnaire versions (ADR 0044): the versions, checking a new one
(uploaded, or chosen from QUESTIONNAIRE_DIR), its differences from the current version, a
preview as each role sees it, and publishing it with a note. Views parse input, call
questionnaire.versions and render; anyone but an administrator is refused (403)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.refusals import administrator_required
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import receive_file

from . import definitions, versions
from .engine.versions import questions_for_role, version_differences
from .models import PublishedVersion, VersionCandidate
from .version_upload import (
    DEFINITION_MAX_BYTES,
    FILE_FIELD,
    definition_upload_view,
    quarantined_discard,
    received_yaml_bytes,
)

NOTE_MAX = 2000
NOTE_NEEDED = "Enter a note about what changed in this version"
ROLES = {
    "controller": "Data Controller (End User Organisation)",
    "supplier": "Data Processor (Supplier)",
}


def _candidate(request: HttpRequest, candidate_id: uuid.UUID) -> VersionCandidate:
    administrator_required(request.user)
    return get_object_or_404(VersionCandidate, pk=candidate_id)


def _sent_name(request: HttpRequest) -> str:
    """The name of the file sent, for the audit of its refusal, when any was received."""
    upload = request.FILES.get(FILE_FIELD)
    return str(upload.name) if upload is not None else ""


@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    administrator_required(request.user)
    current = definitions.current_definition()
    published = list(PublishedVersion.objects.select_related("published_by"))
    published_numbers = {(p.definition_id, p.version) for p in published}
    filed = [d for key, d in sorted(definitions.load_all().items()) if key not in published_numbers]
    return render(
        request,
        "questionnaire/admin/versions.jinja",
        {
            "page_title": "Questionnaire versions",
            "back_url": "/administration",
            "current": current,
            "published": published,
            "filed": filed,
            "file_current": definitions.file_current_definition(),
            "full_width": True,
        },
    )


@definition_upload_view
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest) -> HttpResponse:
    administrator_required(request.user)
    errors: list[dict[str, str]] = []
    details: list[str] = []
    error_field = ""
    if request.method == "POST":
        choose = request.POST.get("source") == "file"
        error_field = "file_name" if choose else FILE_FIELD
        name = ""
        try:
            if choose:
                quarantined_discard(request)  # a file sent as well is not used
                name = str(request.POST.get("file_name", ""))
                data = versions.version_file_read(name)
            else:
                received = receive_file(request, FILE_FIELD)
                assert received is not None
                name = received.original_name
                data = received_yaml_bytes(received)
            candidate = versions.version_candidate_create(
                data=data, source_name=name, actor=request.user
            )
        except EvidenceRefused as refused:
            versions.version_refusal_record(
                actor=request.user,
                source_name=name or _sent_name(request),
                reason=refused.message,
                details=[refused.reason],
            )
            errors = [{"text": refused.message, "href": f"#{error_field}"}]
        except versions.VersionRefused as refused:
            errors = [{"text": refused.message, "href": f"#{error_field}"}]
            details = refused.details
        else:
            return redirect("questionnaire:admin_version_candidate", candidate_id=candidate.pk)
        finally:
            quarantined_discard(request)
    return render(
        request,
        "questionnaire/admin/version_new.jinja",
        {
            "page_title": "Check a new questionnaire version",
            "back_url": reverse("questionnaire:admin_versions"),
            "errors": errors,
            "details": details,
            "error_field": error_field,
            "file_field": FILE_FIELD,
            "files": [{"value": n, "text": n} for n in versions.files_to_choose()],
            "max_size": size_in_words(DEFINITION_MAX_BYTES),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def version_candidate(request: HttpRequest, candidate_id: uuid.UUID) -> HttpResponse:
    candidate = _candidate(request, candidate_id)
    definition = definitions.published_definition(candidate.sha256, candidate.yaml_text)
    current = definitions.current_definition()
    note = ""
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        note = str(request.POST.get("note", ""))
        if not note.strip():
            errors = [{"text": NOTE_NEEDED, "href": "#note"}]
        elif len(note) > NOTE_MAX:
            errors = [
                {"text": f"The note must be {NOTE_MAX:,} characters or fewer", "href": "#note"}
            ]
        else:
            try:
                published = versions.version_publish(
                    candidate=candidate, note=note, actor=request.user
                )
            except versions.VersionRefused as refused:
                errors = [{"text": refused.message, "href": "#note"}]
            else:
                messages.success(
                    request,
                    f"Version {published.version} is published. "
                    "New applications answer it from now on",
                )
                return redirect("questionnaire:admin_versions")
    return render(
        request,
        "questionnaire/admin/version_candidate.jinja",
        {
            "page_title": f"Version {definition.version}: check and publish",
            "back_url": reverse("questionnaire:admin_versions"),
            "candidate": candidate,
            "definition": definition,
            "current": current,
            "differences": version_differences(current, definition),
            "roles": ROLES,
            "note": note,
            "note_max": NOTE_MAX,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_GET
def version_preview(request: HttpRequest, candidate_id: uuid.UUID, role: str) -> HttpResponse:
    candidate = _candidate(request, candidate_id)
    if role not in ROLES:
        raise Http404("No such role")
    definition = definitions.published_definition(candidate.sha256, candidate.yaml_text)
    return render(
        request,
        "questionnaire/admin/version_preview.jinja",
        {
            "page_title": f"Version {definition.version} as a {ROLES[role]} sees it",
            "back_url": reverse(
                "questionnaire:admin_version_candidate", kwargs={"candidate_id": candidate.pk}
            ),
            "candidate": candidate,
            "definition": definition,
            "questions": questions_for_role(definition, role, definitions.today()),
            "role": role,
            "role_name": ROLES[role],
        },
    )
