from django.urls import path

from . import dspt_views, reply_views, views

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
    # The organisation's replies to NHS England (ADR 0037), one page for each thing replied to.
    path(
        "applications/<uuid:application_id>/holds/<uuid:target_id>/reply",
        reply_views.reply,
        {"to": "hold"},
        name="reply_hold",
    ),
    path(
        "applications/<uuid:application_id>/comments/<uuid:target_id>/reply",
        reply_views.reply,
        {"to": "comment"},
        name="reply_comment",
    ),
    path(
        "applications/<uuid:application_id>/change-requests/<int:target_id>/reply",
        reply_views.reply,
        {"to": "change_request"},
        name="reply_change_request",
    ),
    path(
        "applications/<uuid:application_id>/documents/<uuid:target_id>/reply",
        reply_views.reply,
        {"to": "document_request"},
        name="reply_document_request",
    ),
]
