"""The certificate register's pages: the supplier's (list, upload, one certificate) and NHS
England's (every organisation's certificates). Each view parses input, calls a service or a
selector, and renders."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import receive_file
from workflow.continuous.certificates import certificate_upload, certificate_withdraw_and_resume

from .rules import can_see_every_certificate
from .selectors import (
    CertificateRow,
    certificate_get_for_member,
    certificate_get_for_user,
    certificate_rows,
    certificate_status,
    certificates_of_own_organisation,
    certificates_register,
)
from .services import PRODUCT_NAME_MAX
from .upload import CERTIFICATE_MAX_BYTES, FILE_FIELD, certificate_upload_view

PRODUCT_NAME_TOO_LONG = f"Product name must be {PRODUCT_NAME_MAX:,} characters or fewer"


@certificate_upload_view
@require_http_methods(["GET", "POST"])
def certificate_list(request: HttpRequest) -> HttpResponse:
    certificates = certificates_of_own_organisation(request.user)
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    product_name = ""
    if request.method == "POST":
        product_name = request.POST.get("product_name", "").strip()
        if len(product_name) > PRODUCT_NAME_MAX:
            field_errors["product_name"] = PRODUCT_NAME_TOO_LONG
        try:
            received = receive_file(request, FILE_FIELD)
        except EvidenceRefused as refused:
            field_errors[FILE_FIELD] = refused.message
        else:
            assert received is not None
            if field_errors:
                received.discard()
            else:
                try:
                    stored = certificate_upload(
                        organisation=request.user.membership.organisation,
                        received=received,
                        actor=request.user,
                        product_name=product_name,
                    )
                except EvidenceRefused as refused:
                    field_errors[FILE_FIELD] = refused.message
                else:
                    if stored.created:
                        outcome = "has been added"
                    elif stored.reinstated:
                        outcome = "has been put back in your register"
                    else:
                        outcome = "was already in your register"
                    messages.success(
                        request, f"The certificate for {stored.certificate.subject} {outcome}"
                    )
                    return redirect("certificates:detail", certificate_id=stored.certificate.pk)
        errors = [
            {"text": field_errors[name], "href": f"#{name}"}
            for name in (FILE_FIELD, "product_name")
            if name in field_errors
        ]
    return render(
        request,
        "certificates/list.jinja",
        {
            "page_title": "Certificates",
            "back_url": "/",
            "organisation": request.user.membership.organisation,
            "rows": certificate_rows(certificates, timezone.now()),
            "errors": errors,
            "field_errors": field_errors,
            "product_name": product_name,
            "file_field": FILE_FIELD,
            "max_size": size_in_words(CERTIFICATE_MAX_BYTES),
        },
        status=400 if errors else 200,
    )


@require_GET
def certificate_detail(request: HttpRequest, certificate_id: uuid.UUID) -> HttpResponse:
    certificate = certificate_get_for_user(request.user, certificate_id)
    staff = can_see_every_certificate(request.user)
    return render(
        request,
        "certificates/detail.jinja",
        {
            "page_title": f"Certificate {certificate.subject}",
            "back_url": "/review/certificates" if staff else "/certificates",
            "certificate": certificate,
            "row": CertificateRow(certificate, certificate_status(certificate, timezone.now())),
            "staff": staff,
            "can_withdraw": not staff and certificate.withdrawn_at is None,
        },
    )


@require_http_methods(["GET", "POST"])
def certificate_withdraw(request: HttpRequest, certificate_id: uuid.UUID) -> HttpResponse:
    certificate = certificate_get_for_member(request.user, certificate_id)
    if certificate.withdrawn_at is not None:  # a double submit, or an old tab
        return redirect("certificates:detail", certificate_id=certificate.pk)
    if request.method == "POST":
        if certificate_withdraw_and_resume(certificate=certificate, actor=request.user):
            messages.success(
                request, f"The certificate for {certificate.subject} has been withdrawn"
            )
        return redirect("certificates:detail", certificate_id=certificate.pk)
    return render(
        request,
        "certificates/withdraw.jinja",
        {
            "page_title": "Are you sure you want to withdraw this certificate?",
            "back_url": reverse("certificates:detail", kwargs={"certificate_id": certificate.pk}),
            "certificate": certificate,
        },
    )


@require_GET
def certificate_register(request: HttpRequest) -> HttpResponse:
    certificates = certificates_register(request.user)
    return render(
        request,
        "certificates/register.jinja",
        {
            "page_title": "Certificates",
            "full_width": True,
            "rows": certificate_rows(certificates, timezone.now()),
        },
    )
