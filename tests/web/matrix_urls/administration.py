"""Administration's URLs in the authorisation matrix: organisations, staff, people, the audit
log and questionnaire versions, administrators only.
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import ADMINISTRATOR

ORGANISATIONS_AND_STAFF = {
    # Administration (ADR 0011): administrators only.
    "accounts:admin_organisations": ("/administration", ["GET"], ADMINISTRATOR, False),
    "accounts:admin_organisation_create": (
        "/administration/organisations/new",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_organisation": (
        "/administration/organisations/{organisation}",
        ["GET"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_staff": ("/administration/staff", ["GET"], ADMINISTRATOR, False),
    "accounts:admin_staff_invite": (
        "/administration/staff/invite",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_staff_invitation_revoke": (
        "/administration/staff/invitations/{staff_invitation}/revoke",
        ["POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_staff_remove": (
        "/administration/staff/{staff_user}/remove",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    # Administration without a shell (issue 26; ADR 0039): administrators only. An
    # organisation's invitation is a record of A's: to everyone else it does not exist (404).
    "accounts:admin_organisation_invitation_resend": (
        "/administration/organisations/{organisation}/invitations/{invitation}/resend",
        ["POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_organisation_invitation_revoke": (
        "/administration/organisations/{organisation}/invitations/{invitation}/revoke",
        ["POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_people": ("/administration/people?q=reviewer", ["GET"], ADMINISTRATOR, False),
    "accounts:admin_person": ("/administration/people/{staff_user}", ["GET"], ADMINISTRATOR, False),
    "accounts:admin_person_two_factor_reset": (
        "/administration/people/{staff_user}/reset-two-factor",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_person_deactivate": (
        "/administration/people/{staff_user}/deactivate",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_person_reactivate": (
        "/administration/people/{staff_user}/reactivate",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_audit_log": ("/administration/audit-log", ["GET"], ADMINISTRATOR, False),
    "accounts:admin_audit_log_csv": (
        "/administration/audit-log.csv",
        ["GET"],
        ADMINISTRATOR,
        False,
    ),
    "accounts:admin_audit_entry": (
        "/administration/audit-log/{audit_entry}",
        ["GET"],
        ADMINISTRATOR,
        False,
    ),
}

QUESTIONNAIRE_VERSIONS = {
    # Questionnaire versions published by an administrator (ADR 0044).
    "questionnaire:admin_versions": (
        "/administration/questionnaire-versions",
        ["GET"],
        ADMINISTRATOR,
        False,
    ),
    "questionnaire:admin_version_new": (
        "/administration/questionnaire-versions/new",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "questionnaire:admin_version_candidate": (
        "/administration/questionnaire-versions/candidates/{version_candidate}",
        ["GET", "POST"],
        ADMINISTRATOR,
        False,
    ),
    "questionnaire:admin_version_preview": (
        "/administration/questionnaire-versions/candidates/{version_candidate}/preview/controller",
        ["GET"],
        ADMINISTRATOR,
        False,
    ),
}
