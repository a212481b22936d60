"""A test-only URLconf: the service's URLs plus a bare upload page, to drive the upload handler
through real HTTP requests the way the integrator's pages will."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as service_urlpatterns
from evidence.refusals import EvidenceRefused
from evidence.services import evidence_store
from evidence.upload import evidence_upload_view, receive_file


@evidence_upload_view
@require_POST
def upload(request: HttpRequest, application_id):
    from applications.models import Application

    application = get_object_or_404(Application, pk=application_id)
    handlers = [type(handler).__name__ for handler in request.upload_handlers]
    try:
        received = receive_file(request, "evidence")
        evidence = evidence_store(
            application=application,
            purpose=request.POST.get("purpose", "question:c_aup"),
            received=received,
            actor=request.user,
        )
    except EvidenceRefused as refused:
        return JsonResponse({"error": refused.message, "handlers": handlers}, status=400)
    return JsonResponse(
        {
            "id": str(evidence.pk),
            "sha256": evidence.sha256,
            "size": evidence.size,
            "handlers": handlers,
            "note": request.POST.get("note", ""),
        }
    )


@require_POST
def takes_no_file(request: HttpRequest):
    return JsonResponse({"files": len(request.FILES), "note": request.POST.get("note", "")})


urlpatterns = [
    *service_urlpatterns,
    path("test/upload/<uuid:application_id>", upload),
    path("test/takes-no-file", takes_no_file),
]
