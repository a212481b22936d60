"""The authorization matrix's table (tests/web/test_authorization_matrix.py): every URL pattern
of the service by name, with its path template, the methods it accepts, the roles allowed and
whether it is public. A new URL pattern missing from it fails the matrix. What each page must
show to those allowed it, and where it may send them instead, is tests/web/matrix_shows.py."""

ROLES = ("anonymous", "member_a", "member_b", "reviewer", "administrator")
APPLICANT = {"member_a"}
STAFF = {"reviewer", "administrator"}
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMINISTRATOR = {"administrator"}
# A page of the asker's own organisation, which each member (both lead it) is served.
MEMBERS = {"member_a", "member_b"}

# name: (path template, methods it accepts, roles allowed, public)
URLS = {
    "healthz": ("/healthz", ["GET"], EVERYONE, True),
    "readyz": ("/readyz", ["GET"], EVERYONE, True),
    # Prometheus' scrape (ADR 0040): a bearer token, METRICS_TOKEN, when set (always in
    # production, where it is 404 without one); the tests set none, so it is open here. Counts
    # only: tests/operations/test_metrics.py checks the token and that no record's text is shown.
    "metrics": ("/metrics", ["GET"], EVERYONE, True),
    "accounts:sign_in": ("/sign-in", ["GET", "POST"], EVERYONE, True),
    # Sign-in through NHS CIS2 or Entra ID (ADR 0042): off in the matrix's settings, where no
    # provider is configured, so a 404 for everyone; served against a stand-in provider in
    # tests/accounts/test_oidc_sign_in.py.
    "accounts:provider_sign_in": ("/sign-in/cis2", ["POST"], set(), True),
    "accounts:provider_callback": ("/sign-in/entra/callback", ["GET"], set(), True),
    "accounts:sign_out": ("/sign-out", ["POST"], SIGNED_IN, False),
    "accounts:signed_out": ("/signed-out", ["GET"], EVERYONE, True),
    "accounts:session_keep_alive": ("/session/keep-alive", ["POST"], SIGNED_IN, False),
    "accounts:account": ("/account", ["GET"], SIGNED_IN, False),
    # Organisations and members (ADR 0011): every member sees their organisation's members; only
    # its onboarding leads (member_a and member_b are, each of their own) manage them, and only
    # their own organisation's (a member left out is tests/accounts/test_members.py's).
    "accounts:members": ("/organisation/members", ["GET"], MEMBERS, False),
    "accounts:invite": ("/organisation/members/invite", ["GET", "POST"], MEMBERS, False),
    # Who can attest the organisation's answers (ADR 0012): its onboarding leads.
    "accounts:attestation_rule": (
        "/organisation/attestations",
        ["GET", "POST"],
        MEMBERS,
        False,
    ),
    "accounts:member_remove": (
        "/organisation/members/{membership}/remove",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "accounts:lead_hand_over": (
        "/organisation/members/{membership}/hand-over-lead",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "accounts:invitation_resend": (
        "/organisation/invitations/{invitation}/resend",
        ["POST"],
        APPLICANT,
        False,
    ),
    "accounts:invitation_revoke": (
        "/organisation/invitations/{invitation}/revoke",
        ["POST"],
        APPLICANT,
        False,
    ),
    # The invitation's link is anyone's who has it; accepting needs the link followed first.
    "accounts:invitation_link": ("/invitation/{invite_token}", ["GET"], EVERYONE, True),
    "accounts:invitation_accept": ("/invitation/accept", ["GET", "POST"], set(), True),
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
    # Password reset: asking is open to all; the new password needs the link followed first.
    "accounts:password_reset": ("/password-reset", ["GET", "POST"], EVERYONE, True),
    "accounts:password_reset_link": (
        "/password-reset/link/{reset_token}",
        ["GET"],
        EVERYONE,
        True,
    ),
    "accounts:password_reset_new": ("/password-reset/new-password", ["GET", "POST"], set(), True),
    # Everyone's home; to someone not signed in, the service's start page (issue 26).
    "applications:list": ("/", ["GET"], EVERYONE, True),
    # The pages every NHS service has (issue 26); the feedback people send is administrators'.
    "service_pages:accessibility": ("/accessibility-statement", ["GET"], EVERYONE, True),
    "service_pages:privacy": ("/privacy-notice", ["GET"], EVERYONE, True),
    "service_pages:cookies": ("/cookies", ["GET"], EVERYONE, True),
    "service_pages:help": ("/help", ["GET"], EVERYONE, True),
    "service_pages:feedback": ("/feedback", ["GET", "POST"], EVERYONE, True),
    "service_pages:feedback_sent": ("/feedback/sent", ["GET"], EVERYONE, True),
    "service_pages:feedback_list": ("/administration/feedback", ["GET"], ADMINISTRATOR, False),
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
    "applications:start": ("/applications/start", ["GET", "POST"], APPLICANT | {"member_b"}, False),
    "applications:detail": ("/applications/{app}", ["GET"], APPLICANT, False),
    # Start from an earlier application's answers (ADR 0020): the application's members only.
    "applications:start_from": (
        "/applications/{new_app}/start-from",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "applications:assurance_pack": (
        "/applications/{app}/assurance-pack.zip",
        ["GET"],
        set(),
        False,
    ),
    "applications:withdraw": ("/applications/{app}/withdraw", ["GET", "POST"], APPLICANT, False),
    "applications:dspt_update": ("/applications/{app}/dspt", ["GET", "POST"], APPLICANT, False),
    "applications:document_request": (
        "/applications/{app}/documents/{doc}",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    # The organisation's replies to NHS England (ADR 0037): its own members only.
    "applications:reply_hold": (
        "/applications/{app}/holds/{hold}/reply",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "applications:reply_comment": (
        "/applications/{app}/comments/{comment}/reply",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "applications:reply_change_request": (
        "/applications/{app}/change-requests/{change}/reply",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "applications:reply_document_request": (
        "/applications/{app}/documents/{doc}/reply",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "questionnaire:overview": ("/applications/{app}/stage-2", ["GET"], APPLICANT, False),
    # A draft's onboarding lead moves it to a newer questionnaire version (ADR 0044); the
    # matrix's application is on the current version, so there is nothing to move to.
    "questionnaire:version_move": (
        "/applications/{app}/stage-2/version",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "questionnaire:check_answers": (
        "/applications/{app}/stage-2/check-answers",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "questionnaire:confirmation": (
        "/applications/{app}/stage-2/confirmation",
        ["GET"],
        APPLICANT,
        False,
    ),
    "questionnaire:response_fhir": (
        "/applications/{app}/stage-2/questionnaire-response.fhir.json",
        ["GET"],
        APPLICANT,
        False,
    ),
    # The questions themselves are no secret, but only for signed-in users, as every page.
    "questionnaire:definition_fhir": (
        "/questionnaires/nir-stage2-governance-assurance/v1.fhir.json",
        ["GET"],
        SIGNED_IN,
        False,
    ),
    "questionnaire:question": (
        "/applications/{controller_app}/stage-2/questions/role",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    # A supplier's product-level answer offered to its other applications (ADR 0020).
    "questionnaire:share": (
        "/applications/{app}/stage-2/questions/s_pki/share",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "evidence:download": ("/evidence/{evidence}/download", ["GET"], APPLICANT | STAFF, False),
    "two_factor:status": ("/two-factor", ["GET"], SIGNED_IN, False),
    # Set up by the signed-in, or by staff pending their required set-up (the anonymous are
    # sent to sign in).
    "two_factor:set_up": ("/two-factor/set-up", ["GET", "POST"], SIGNED_IN, False),
    # A new app, for someone who has one: a code from it or a recovery code first.
    "two_factor:replace_confirm": ("/two-factor/set-up/confirm", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:replace_confirm_recovery_code": (
        "/two-factor/set-up/confirm/recovery-code",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "two_factor:recovery_codes": ("/two-factor/recovery-codes", ["GET"], SIGNED_IN, False),
    "two_factor:recovery_codes_new": (
        "/two-factor/recovery-codes/new",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    # Staff must keep two-factor sign-in: turning it off is a 404 to them.
    "two_factor:turn_off": (
        "/two-factor/turn-off",
        ["GET", "POST"],
        APPLICANT | {"member_b"},
        False,
    ),
    # The sign-in's second step: open to all, and sends anyone not pending back to sign in.
    "two_factor:sign_in": ("/two-factor/sign-in", ["GET", "POST"], EVERYONE, True),
    # Passkeys (ADR 0043): the second step with one, signing in with one alone, and adding and
    # removing one's own (the passkey named in the form or query; anyone else's is not found).
    "two_factor:sign_in_passkey": ("/two-factor/sign-in/passkey", ["GET", "POST"], EVERYONE, True),
    "two_factor:passkey_sign_in": ("/sign-in/passkey", ["GET", "POST"], EVERYONE, True),
    "two_factor:passkey_add": ("/account/passkeys/add", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:passkey_remove": ("/account/passkeys/remove", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:passkeys_confirm": ("/account/passkeys/confirm", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:passkeys_confirm_passkey": (
        "/account/passkeys/confirm/passkey",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "two_factor:passkeys_confirm_recovery_code": (
        "/account/passkeys/confirm/recovery-code",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "two_factor:sign_in_recovery_code": (
        "/two-factor/sign-in/recovery-code",
        ["GET", "POST"],
        EVERYONE,
        True,
    ),
    "review:queue": ("/review", ["GET"], STAFF, False),
    "review:dashboard": ("/review/dashboard", ["GET"], STAFF, False),
    "review:application": ("/review/applications/{app}", ["GET"], STAFF, False),
    # The application's sections (review/sections.py), and the requests for changes a reviewer
    # collects answer by answer and sends together.
    "review:answers": ("/review/applications/{app}/answers", ["GET"], STAFF, False),
    "review:answer_change": (
        "/review/applications/{app}/answers/s_cso/request-change",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:answer_change_remove": (
        "/review/applications/{app}/answers/s_cso/request-change/remove",
        ["POST"],
        STAFF,
        False,
    ),
    "review:changes_send": (
        "/review/applications/{app}/changes/send",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:evidence": ("/review/applications/{app}/evidence", ["GET"], STAFF, False),
    "review:people": ("/review/applications/{app}/people", ["GET"], STAFF, False),
    "review:holds": ("/review/applications/{app}/holds", ["GET"], STAFF, False),
    "review:timeline": ("/review/applications/{app}/timeline", ["GET"], STAFF, False),
    "review:response_fhir": (
        "/review/applications/{app}/questionnaire-response.fhir.json",
        ["GET"],
        STAFF,
        False,
    ),
    # The signed assurance pack (ADR 0026): the organisation's members and staff; the key is
    # public. (The matrix's application is not approved: the pack itself answers 404 to all, so
    # its test, tests/workflow/test_assurance_pack.py, downloads it from an approved one.)
    "review:assurance_pack": (
        "/review/applications/{app}/assurance-pack.zip",
        ["GET"],
        set(),
        False,
    ),
    "review:assurance_pack_key": (
        "/.well-known/nir-assurance-pack-key.pem",
        ["GET"],
        EVERYONE,
        True,
    ),
    "review:start": ("/review/applications/{app}/start", ["POST"], STAFF, False),
    "review:request_changes": (
        "/review/applications/{app}/request-changes",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:approve": ("/review/applications/{app}/approve", ["GET", "POST"], STAFF, False),
    "review:hold_raise": ("/review/applications/{app}/holds/new", ["GET", "POST"], STAFF, False),
    "review:hold_lift": (
        "/review/applications/{app}/holds/{hold}/lift",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:document_request_new": (
        "/review/applications/{app}/documents/new",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:document_request": (
        "/review/applications/{app}/documents/{doc}",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:document_request_ask_again": (
        "/review/applications/{app}/documents/{doc}/ask-again",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    "review:comments": ("/review/applications/{app}/comments", ["GET", "POST"], STAFF, False),
    "review:stage_complete": (
        "/review/applications/{app}/stages/3/complete",
        ["GET", "POST"],
        STAFF,
        False,
    ),
    # Key personnel and attestations (ADR 0012). The attestation pages belong to the person
    # named (by email), who is none of these roles: everyone else is refused.
    "attestations:key_personnel": ("/applications/{app}/key-personnel", ["GET"], APPLICANT, False),
    "attestations:key_person_add": (
        "/applications/{controller_app}/key-personnel/add",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "attestations:key_person_change": (
        "/applications/{controller_app}/key-personnel/{draft_person}",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "attestations:key_person_remove": (
        "/applications/{controller_app}/key-personnel/{draft_person}/remove",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "attestations:list": ("/applications/{app}/attestations", ["GET", "POST"], APPLICANT, False),
    # One request per person and application (ADR 0038): the organisation sends its link again.
    "attestations:request_resend": (
        "/applications/{app}/attestations/requests/{attestation_request}/resend",
        ["POST"],
        APPLICANT,
        False,
    ),
    "attestations:ask": (
        "/applications/{app}/attestations/s_dcb0129_confirmed",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "attestations:link": ("/attest/{token}", ["GET"], EVERYONE, True),
    "attestations:respond": ("/attestations/{attestation}", ["GET", "POST"], set(), False),
    "attestations:request": (
        "/attestations/requests/{attestation_request}",
        ["GET", "POST"],
        set(),
        False,
    ),
    "attestations:request_account": (
        "/attestations/requests/{attestation_request}/account",
        ["GET", "POST"],
        set(),
        True,
    ),
    "attestations:account": (
        "/attestations/{attestation}/account",
        ["GET", "POST"],
        set(),
        True,
    ),
    # The certificate register (ADR 0015): a supplier's members keep theirs (both organisations
    # are suppliers; a controller's refusal is tests/certificates/test_pages.py's); staff see
    # them all.
    "certificates:list": ("/certificates", ["GET", "POST"], MEMBERS, False),
    "certificates:detail": ("/certificates/{certificate}", ["GET"], APPLICANT | STAFF, False),
    "certificates:withdraw": (
        "/certificates/{certificate}/withdraw",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "certificates:register": ("/review/certificates", ["GET"], STAFF, False),
    # The hazard log (ADR 0022): the application's members keep it; staff read and export it.
    "hazards:log": ("/applications/{app}/hazard-log", ["GET", "POST"], APPLICANT, False),
    "hazards:approve": ("/applications/{app}/hazard-log/approve", ["POST"], APPLICANT, False),
    # Asking the named CSO to approve the log, and which log the answer speaks of (ADR 0045).
    "hazards:ask_approval": (
        "/applications/{app}/hazard-log/ask-approval",
        ["POST"],
        APPLICANT,
        False,
    ),
    "hazards:source": ("/applications/{app}/hazard-log/source", ["POST"], APPLICANT, False),
    "hazards:add": ("/applications/{app}/hazard-log/add", ["GET", "POST"], APPLICANT, False),
    "hazards:change": (
        "/applications/{app}/hazard-log/{hazard}/change",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "hazards:remove": (
        "/applications/{app}/hazard-log/{hazard}/remove",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "hazards:csv": ("/applications/{app}/hazard-log.csv", ["GET"], APPLICANT | STAFF, False),
    "hazards:xlsx": ("/applications/{app}/hazard-log.xlsx", ["GET"], APPLICANT | STAFF, False),
    "hazards:review": ("/review/applications/{app}/hazard-log", ["GET"], STAFF, False),
    # The NHS number checker (ADR 0021): a Data Controller application's members only.
    "nhs_numbers:check": (
        "/applications/{controller_app}/nhs-number-check",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    # Personal API tokens (ADR 0024): everyone signed in manages their own.
    "tokens:tokens": ("/account/api-tokens", ["GET", "POST"], SIGNED_IN, False),
    # Creating one asks for the current factor first (issue 22).
    "tokens:confirm": ("/account/api-tokens/confirm", ["GET", "POST"], SIGNED_IN, False),
    "tokens:confirm_recovery_code": (
        "/account/api-tokens/confirm/recovery-code",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "tokens:token_revoke": (
        "/account/api-tokens/{api_token}/revoke",
        ["POST"],
        {"member_a"},
        False,
    ),
    # The JSON API (ADR 0024), asked with each role's own personal API token; the anonymous get
    # a 401, not the sign-in page. Its description and docs are public.
    # ninja's root of the API: a 404 to everyone (the docs have their own URL).
    "api:api-root": ("/api/v1/", ["GET"], set(), True),
    "api:openapi-json": ("/api/v1/openapi.json", ["GET"], EVERYONE, True),
    "api:openapi-view": ("/api/v1/docs", ["GET"], EVERYONE, True),
    "api:applications_list": ("/api/v1/applications", ["GET"], SIGNED_IN, False),
    "api:application_detail": ("/api/v1/applications/{app}", ["GET"], APPLICANT | STAFF, False),
    "api:questionnaire_definition": ("/api/v1/questionnaire", ["GET"], SIGNED_IN, False),
    "api:questionnaire_fhir": (
        "/api/v1/questionnaires/nir-stage2-governance-assurance/1/fhir",
        ["GET"],
        SIGNED_IN,
        False,
    ),
    "api:questionnaire_response_fhir": (
        "/api/v1/applications/{app}/questionnaire-response/fhir",
        ["GET"],
        APPLICANT | STAFF,
        False,
    ),
    "api:answer_put": (
        "/api/v1/applications/{app}/answers/s_isms",
        ["POST"],
        APPLICANT,
        False,
    ),
    "api:declaration_get": (
        "/api/v1/applications/{app}/declaration",
        ["GET"],
        APPLICANT,
        False,
    ),
    "api:submit_post": ("/api/v1/applications/{app}/submit", ["POST"], APPLICANT, False),
    "api:review_queue": ("/api/v1/review/queue", ["GET"], STAFF, False),
}
