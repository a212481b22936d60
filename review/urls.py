from django.urls import path

from . import document_views, views

app_name = "review"
prefix = "review/applications/<uuid:application_id>"
urlpatterns = [
    path("review", views.queue, name="queue"),
    path("review/dashboard", views.dashboard, name="dashboard"),
    path(prefix, views.application, name="application"),
    path(f"{prefix}/questionnaire-response.fhir.json", views.response_fhir, name="response_fhir"),
    path(f"{prefix}/assurance-pack.zip", views.assurance_pack, name="assurance_pack"),
    path(
        ".well-known/nir-assurance-pack-key.pem",
        views.assurance_pack_key,
        name="assurance_pack_key",
    ),
    path(f"{prefix}/start", views.start, name="start"),
    path(f"{prefix}/request-changes", views.request_changes, name="request_changes"),
    path(f"{prefix}/approve", views.approve, name="approve"),
    path(f"{prefix}/holds/new", views.hold_raise, name="hold_raise"),
    path(f"{prefix}/holds/<uuid:hold_id>/lift", views.hold_lift, name="hold_lift"),
    path(
        f"{prefix}/documents/new", document_views.document_request_new, name="document_request_new"
    ),
    path(
        f"{prefix}/documents/<uuid:request_id>",
        document_views.document_request,
        name="document_request",
    ),
    path(f"{prefix}/comments", views.comment_add, name="comment_add"),
    path(f"{prefix}/stages/<int:stage>/complete", views.stage_complete, name="stage_complete"),
]
