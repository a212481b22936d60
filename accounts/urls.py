from django.urls import path, register_converter

from . import (
    admin_views,
    audit_views,
    member_views,
    oidc_views,
    organisation_views,
    password_views,
    person_views,
    views,
)
from .oidc import Provider


class ProviderConverter:
    """Only the providers' own names (accounts.oidc.Provider): /sign-in/passkey is another page."""

    regex = "|".join(provider.value for provider in Provider)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ProviderConverter, "provider")

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-in/<provider:provider>", oidc_views.provider_sign_in, name="provider_sign_in"),
    path(
        "sign-in/<provider:provider>/callback",
        oidc_views.provider_callback,
        name="provider_callback",
    ),
    path("sign-out", views.sign_out, name="sign_out"),
    path("signed-out", views.signed_out, name="signed_out"),
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
    path(
        "administration/organisations/<int:organisation_id>/invitations/<uuid:invitation_id>/resend",
        admin_views.organisation_invitation_resend,
        name="admin_organisation_invitation_resend",
    ),
    path(
        "administration/organisations/<int:organisation_id>/invitations/<uuid:invitation_id>/revoke",
        admin_views.organisation_invitation_revoke,
        name="admin_organisation_invitation_revoke",
    ),
    path("administration/people", person_views.people, name="admin_people"),
    path("administration/people/<int:user_id>", person_views.person, name="admin_person"),
    path(
        "administration/people/<int:user_id>/reset-two-factor",
        person_views.two_factor_reset,
        name="admin_person_two_factor_reset",
    ),
    path(
        "administration/people/<int:user_id>/deactivate",
        person_views.deactivate,
        name="admin_person_deactivate",
    ),
    path(
        "administration/people/<int:user_id>/reactivate",
        person_views.reactivate,
        name="admin_person_reactivate",
    ),
    path("administration/audit-log", audit_views.audit_log_page, name="admin_audit_log"),
    path("administration/audit-log.csv", audit_views.audit_log_csv, name="admin_audit_log_csv"),
    path(
        "administration/audit-log/<int:sequence>",
        audit_views.audit_entry,
        name="admin_audit_entry",
    ),
    path("invitation/accept", member_views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>", member_views.invitation_link, name="invitation_link"),
]
