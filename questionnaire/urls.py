from django.urls import path

from . import views

app_name = "questionnaire"
prefix = "applications/<uuid:application_id>/stage-2"
urlpatterns = [
    path(prefix, views.overview, name="overview"),
    path(f"{prefix}/check-answers", views.check_answers, name="check_answers"),
    path(f"{prefix}/confirmation", views.confirmation, name="confirmation"),
    path(f"{prefix}/questions/<slug:question_id>", views.question, name="question"),
    path(f"{prefix}/questions/<slug:question_id>/share", views.share, name="share"),
]
