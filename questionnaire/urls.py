from django.urls import path

from . import fhir_views, share_views, version_move_views, version_views, views

app_name = "questionnaire"
prefix = "applications/<uuid:application_id>/stage-2"
urlpatterns = [
    path(prefix, views.overview, name="overview"),
    path(f"{prefix}/check-answers", views.check_answers, name="check_answers"),
    path(f"{prefix}/confirmation", views.confirmation, name="confirmation"),
    path(f"{prefix}/version", version_move_views.version_move, name="version_move"),
    path(
        f"{prefix}/questionnaire-response.fhir.json", fhir_views.response_fhir, name="response_fhir"
    ),
    path(
        "questionnaires/<slug:definition_id>/v<int:version>.fhir.json",
        fhir_views.definition_fhir,
        name="definition_fhir",
    ),
    path(f"{prefix}/questions/<slug:question_id>", views.question, name="question"),
    path(f"{prefix}/questions/<slug:question_id>/share", share_views.share, name="share"),
    path(
        "administration/questionnaire-versions",
        version_views.version_list,
        name="admin_versions",
    ),
    path(
        "administration/questionnaire-versions/new",
        version_views.version_new,
        name="admin_version_new",
    ),
    path(
        "administration/questionnaire-versions/candidates/<uuid:candidate_id>",
        version_views.version_candidate,
        name="admin_version_candidate",
    ),
    path(
        "administration/questionnaire-versions/candidates/<uuid:candidate_id>/preview/<slug:role>",
        version_views.version_preview,
        name="admin_version_preview",
    ),
]
