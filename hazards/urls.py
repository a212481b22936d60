from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("applications/<uuid:application_id>/hazard-log", views.hazard_log, name="log"),
    path(
        "applications/<uuid:application_id>/hazard-log/approve",
        views.hazard_log_approve_view,
        name="approve",
    ),
    path("applications/<uuid:application_id>/hazard-log.csv", views.hazard_log_csv, name="csv"),
    path("applications/<uuid:application_id>/hazard-log.xlsx", views.hazard_log_xlsx, name="xlsx"),
    path(
        "review/applications/<uuid:application_id>/hazard-log",
        views.hazard_log_review,
        name="review",
    ),
]
