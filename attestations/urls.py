from django.urls import path

from . import request_views, statement_views, views

app_name = "attestations"
prefix = "applications/<uuid:application_id>"
urlpatterns = [
    path(f"{prefix}/key-personnel", views.key_personnel, name="key_personnel"),
    path(f"{prefix}/key-personnel/add", views.key_person_edit, name="key_person_add"),
    path(
        f"{prefix}/key-personnel/<uuid:person_id>", views.key_person_edit, name="key_person_change"
    ),
    path(
        f"{prefix}/key-personnel/<uuid:person_id>/remove",
        views.key_person_remove,
        name="key_person_remove",
    ),
    path(f"{prefix}/attestations", views.attestation_list, name="list"),
    path(
        f"{prefix}/attestations/requests/<uuid:request_id>/resend",
        request_views.request_resend,
        name="request_resend",
    ),
    path(f"{prefix}/attestations/<slug:rule_id>", views.attestation_ask, name="ask"),
    path("attest/<str:token>", statement_views.attestation_link, name="link"),
    path("attest", statement_views.attestation_link_followed, name="link_followed"),
    path("attestations/requests/<uuid:request_id>", request_views.request_respond, name="request"),
    path(
        "attestations/requests/<uuid:request_id>/account",
        request_views.request_account,
        name="request_account",
    ),
    path("attestations/<uuid:attestation_id>", statement_views.attestation_respond, name="respond"),
    path(
        "attestations/<uuid:attestation_id>/account",
        statement_views.attestation_account,
        name="account",
    ),
]
