from django.urls import path

from . import export_views, hazard_views, views

app_name = "hazards"
urlpatterns = [
    path("applications/<uuid:application_id>/hazard-log", views.hazard_log, name="log"),
    path(
        "applications/<uuid:application_id>/hazard-log/approve",
        views.hazard_log_approve_view,
        name="approve",
    ),
    path(
        "applications/<uuid:application_id>/hazard-log/ask-approval",
        views.hazard_log_ask_approval,
        name="ask_approval",
    ),
    path(
        "applications/<uuid:application_id>/hazard-log/source",
        views.hazard_log_source,
        name="source",
    ),
    path(
        "applications/<uuid:application_id>/hazard-log/add",
        hazard_views.hazard_add_view,
        name="add",
    ),
    path(
        "applications/<uuid:application_id>/hazard-log/<uuid:hazard_id>/change",
        hazard_views.hazard_change_view,
        name="change",
    ),
    path(
        "applications/<uuid:application_id>/hazard-log/<uuid:hazard_id>/remove",
        hazard_views.hazard_remove_view,
        name="remove",
    ),
    path(
        "applications/<uuid:application_id>/hazard-log.csv", export_views.hazard_log_csv, name="csv"
    ),
    path(
        "applications/<uuid:application_id>/hazard-log.xlsx",
        export_views.hazard_log_xlsx,
        name="xlsx",
    ),
    path(
        "review/applications/<uuid:application_id>/hazard-log",
        views.hazard_log_review,
        name="review",
    ),
]
