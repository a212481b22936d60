from django.urls import path

from . import dspt_views, views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("applications/start", views.application_start, name="start"),
    path("applications/<uuid:application_id>", views.application_detail, name="detail"),
    path(
        "applications/<uuid:application_id>/start-from",
        views.application_start_from,
        name="start_from",
    ),
    path(
        "applications/<uuid:application_id>/assurance-pack.zip",
        views.assurance_pack,
        name="assurance_pack",
    ),
    path(
        "applications/<uuid:application_id>/withdraw",
        views.application_withdraw,
        name="withdraw",
    ),
    path(
        "applications/<uuid:application_id>/dspt",
        dspt_views.dspt_update,
        name="dspt_update",
    ),
    path(
        "applications/<uuid:application_id>/documents/<uuid:request_id>",
        views.document_request,
        name="document_request",
    ),
]
