from django.urls import path

from . import document_views, section_views, views

app_name = "review"
prefix = "review/applications/<uuid:application_id>"
urlpatterns = [
    path("review", views.queue, name="queue"),
    path("review/dashboard", views.dashboard, name="dashboard"),
    path(prefix, views.application, name="application"),
    path(f"{prefix}/answers", section_views.answers, name="answers"),
    path(
        f"{prefix}/answers/<slug:question_id>/request-change",
        section_views.answer_change,
        name="answer_change",
    ),
    path(
        f"{prefix}/answers/<slug:question_id>/request-change/remove",
        section_views.answer_change_remove,
        name="answer_change_remove",
    ),
    path(f"{prefix}/changes/send", section_views.changes_send, name="changes_send"),
    path(f"{prefix}/evidence", section_views.evidence, name="evidence"),
    path(f"{prefix}/people", section_views.people, name="people"),
    path(f"{prefix}/holds", section_views.holds, name="holds"),
    path(f"{prefix}/timeline", section_views.timeline, name="timeline"),
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
    path(
        f"{prefix}/documents/<uuid:request_id>/ask-again",
        document_views.document_request_ask_again,
        name="document_request_ask_again",
    ),
    path(f"{prefix}/comments", section_views.comments_section, name="comments"),
    path(f"{prefix}/stages/<int:stage>/complete", views.stage_complete, name="stage_complete"),
]
