from django.urls import path

from . import admin_views, member_views, organisation_views, password_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("session/keep-alive", views.session_keep_alive, name="session_keep_alive"),
    path("account", views.account, name="account"),
    path("password-reset", password_views.password_reset, name="password_reset"),
    path(
        "password-reset/new-password",
        password_views.password_reset_new,
        name="password_reset_new",
    ),
    path(
        "password-reset/link/<str:token>",
        password_views.password_reset_link,
        name="password_reset_link",
    ),
    path("organisation/members", member_views.members, name="members"),
    path(
        "organisation/attestations",
        organisation_views.attestation_rule,
        name="attestation_rule",
    ),
    path("organisation/members/invite", member_views.invite, name="invite"),
    path(
        "organisation/members/<int:membership_id>/remove",
        member_views.member_remove,
        name="member_remove",
    ),
    path(
        "organisation/members/<int:membership_id>/hand-over-lead",
        member_views.lead_hand_over,
        name="lead_hand_over",
    ),
    path(
        "organisation/invitations/<uuid:invitation_id>/resend",
        member_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organisation/invitations/<uuid:invitation_id>/revoke",
        member_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("administration", admin_views.organisations, name="admin_organisations"),
    path(
        "administration/organisations/new",
        admin_views.organisation_create,
        name="admin_organisation_create",
    ),
    path(
        "administration/organisations/<int:organisation_id>",
        admin_views.organisation,
        name="admin_organisation",
    ),
    path("administration/staff", admin_views.staff, name="admin_staff"),
    path("administration/staff/invite", admin_views.staff_invite, name="admin_staff_invite"),
    path(
        "administration/staff/invitations/<uuid:invitation_id>/revoke",
        admin_views.staff_invitation_revoke,
        name="admin_staff_invitation_revoke",
    ),
    path(
        "administration/staff/<int:user_id>/remove",
        admin_views.staff_remove,
        name="admin_staff_remove",
    ),
    path("invitation/accept", member_views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>", member_views.invitation_link, name="invitation_link"),
]
