from django.urls import path

from . import fhir_views, share_views, views

app_name = "questionnaire"
prefix = "applications/<uuid:application_id>/stage-2"
urlpatterns = [
    path(prefix, views.overview, name="overview"),
    path(f"{prefix}/check-answers", views.check_answers, name="check_answers"),
    path(f"{prefix}/confirmation", views.confirmation, name="confirmation"),
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
]
