"""The authorization matrix's table (tests/web/test_authorization_matrix.py): every URL pattern
of the service by name, with its path template, the methods it accepts, the roles allowed and
whether it is public. A new URL pattern missing from it fails the matrix."""

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
    "accounts:sign_in": ("/sign-in", ["GET", "POST"], EVERYONE, True),
    "accounts:sign_out": ("/sign-out", ["POST"], SIGNED_IN, False),
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
    # Password reset: asking is open to all; the new password needs the link followed first.
    "accounts:password_reset": ("/password-reset", ["GET", "POST"], EVERYONE, True),
    "accounts:password_reset_link": (
        "/password-reset/link/{reset_token}",
        ["GET"],
        EVERYONE,
        True,
    ),
    "accounts:password_reset_new": ("/password-reset/new-password", ["GET", "POST"], set(), True),
    "applications:list": ("/", ["GET"], SIGNED_IN, False),
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
    "questionnaire:overview": ("/applications/{app}/stage-2", ["GET"], APPLICANT, False),
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
    "two_factor:sign_in_recovery_code": (
        "/two-factor/sign-in/recovery-code",
        ["GET", "POST"],
        EVERYONE,
        True,
    ),
    "review:queue": ("/review", ["GET"], STAFF, False),
    "review:dashboard": ("/review/dashboard", ["GET"], STAFF, False),
    "review:application": ("/review/applications/{app}", ["GET"], STAFF, False),
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
    "review:comment_add": ("/review/applications/{app}/comments", ["POST"], STAFF, False),
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
    "attestations:list": ("/applications/{app}/attestations", ["GET"], APPLICANT, False),
    "attestations:ask": (
        "/applications/{app}/attestations/s_dcb0129_confirmed",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
    "attestations:link": ("/attest/{token}", ["GET"], EVERYONE, True),
    "attestations:respond": ("/attestations/{attestation}", ["GET", "POST"], set(), False),
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

# What a page served to a role allowed it must show (its visible text; a JSON, CSV or
# spreadsheet's text; a file's bytes): the record's reference or other words of the record
# itself, from the asking role's organisation (tests/web/matrix_world.py names them), or the
# page's own heading when it shows no record. `{user_email}` and `{user_token}` are the asking
# person's own.
SHOWS = {
    "healthz": ['"status": "ok"'],
    "accounts:sign_in": ["Sign in", "Email address", "Password"],
    "accounts:account": ["Your account", "Email address {user_email}"],
    "accounts:members": ["Members", "{organisation}", "{colleague}", "{invited}"],
    "accounts:invite": ["Invite a colleague", "{organisation}"],
    "accounts:attestation_rule": ["Who can attest your organisation's answers?"],
    "accounts:member_remove": ["Are you sure you want to remove {colleague}?"],
    "accounts:lead_hand_over": ["Hand over the lead role to {colleague}?"],
    "accounts:admin_organisations": ["Organisations", "{organisation}"],
    "accounts:admin_organisation_create": ["Create an organisation"],
    "accounts:admin_organisation": ["{organisation}", "{colleague}", "{invited}"],
    "accounts:admin_staff": ["NHS England staff", "reviewer@england.example"],
    "accounts:admin_staff_invite": ["Invite NHS England staff"],
    "accounts:admin_staff_remove": ["Are you sure you want to remove reviewer@england.example?"],
    "accounts:password_reset": ["Reset your password"],
    "applications:list": ["Your applications", "{reference}", "{controller_reference}"],
    "applications:start": ["Which NIR integration scope are you onboarding for?"],
    "applications:detail": [
        "Application {reference}",
        "{hold_reason}",
        "{doc_title}",
        "{comment_applicant}",
    ],
    "applications:start_from": [
        "Do you want to start from the answers of an earlier application?",
        "{reference}",
    ],
    "applications:withdraw": ["Are you sure you want to withdraw application {reference}?"],
    "applications:dspt_update": ["Update your DSPT status", "{reference}"],
    "applications:document_request": ["{doc_title}", "{doc_note}", "{reference}"],
    "questionnaire:overview": ["Stage 2: Governance Assurance", "{reference}"],
    "questionnaire:check_answers": ["Your Stage 2 answers", "{reference}"],
    "questionnaire:confirmation": ["Stage 2 submitted", "{reference}"],
    "questionnaire:response_fhir": ['"QuestionnaireResponse"', "{reference}"],
    "questionnaire:definition_fhir": ['"Questionnaire"', "nir-stage2-governance-assurance"],
    "questionnaire:question": [
        "Are you onboarding as a Data Processor (Supplier) or a Data Controller",
    ],
    "evidence:download": ["{evidence_bytes}"],
    "two_factor:status": ["Two-factor authentication", "Status Off"],
    "two_factor:set_up": ["Set up two-factor authentication"],
    "review:queue": ["Applications to review", "{reference}"],
    "review:dashboard": ["Review times"],
    "review:application": [
        "Application {reference}",
        "{organisation}",
        "{hold_reason}",
        "{doc_title}",
        "{comment_internal}",
        "{comment_applicant}",
        "{evidence_name}",
        "{key_person}",
    ],
    "review:response_fhir": ['"QuestionnaireResponse"', "{reference}"],
    "review:assurance_pack_key": ["-----BEGIN PUBLIC KEY-----"],
    "review:request_changes": ["Which answers need to change?", "{reference}"],
    "review:approve": ["Approve stage 2 for {organisation}?"],
    "review:hold_raise": ["Why are you pausing onboarding?"],
    "review:hold_lift": ["Why are you lifting this hold?", "{hold_reason}", "{reference}"],
    "review:document_request_new": ["Request a document", "{reference}"],
    "review:document_request": ["{doc_title}", "{doc_note}", "{reference}"],
    "review:stage_complete": ["Mark stage 3 complete", "Application {reference}"],
    "attestations:key_personnel": ["Key personnel", "{key_person}", "{reference}"],
    "attestations:key_person_add": ["Add a person", "{controller_reference}"],
    "attestations:key_person_change": ["Change a person", "{draft_person}"],
    "attestations:key_person_remove": ["Are you sure you want to remove {draft_person}?"],
    "attestations:list": ["Attestations", "{key_person}", "{reference}"],
    "attestations:ask": ["Who will attest question 8?", "{key_person}", "{reference}"],
    "attestations:link": [
        "{organisation} has asked you to attest an answer",
        "{key_person}",
        "{reference}",
    ],
    "certificates:list": ["Certificates", "{certificate}", "{organisation}"],
    "certificates:detail": ["{certificate}", "{organisation}"],
    "certificates:withdraw": [
        "Are you sure you want to withdraw this certificate?",
        "{certificate}",
    ],
    "certificates:register": ["Certificates", "{certificate}"],
    "hazards:log": ["Hazard log", "{hazard}", "{reference}"],
    "hazards:add": ["Add a hazard", "{reference}"],
    "hazards:change": ["Change hazard H-001", "{hazard}"],
    "hazards:remove": ["Are you sure you want to remove hazard H-001?", "{hazard}"],
    "hazards:csv": ["{hazard}"],
    "hazards:xlsx": ["{hazard}"],
    "hazards:review": ["Hazard log", "{hazard}", "{reference}"],
    "nhs_numbers:check": ["Check a file of NHS numbers", "{controller_reference}"],
    "tokens:tokens": ["API tokens", "{user_token}"],
    "api:openapi-json": ['"openapi": "3.1.0"'],
    "api:openapi-view": ["NIR Stage 2 Governance Assurance API"],
    "api:applications_list": ["{reference}"],
    "api:application_detail": ["{reference}", "{hold_reason}"],
    "api:questionnaire_definition": ['"id": "nir-stage2-governance-assurance"'],
    "api:questionnaire_fhir": ['"resourceType": "Questionnaire"'],
    "api:questionnaire_response_fhir": ['"QuestionnaireResponse"', "{reference}"],
    "api:declaration_get": ["{organisation}"],
    "api:review_queue": ["{reference}"],
}

# Where an allowed GET may send the role instead (a link followed, a page with nothing to show
# yet, the signed-in sent on): nowhere else.
REDIRECTS = {
    "accounts:sign_in": {"/"},
    "accounts:invitation_link": {"/invitation/accept"},
    "accounts:password_reset_link": {"/password-reset/new-password"},
    "applications:list": {"/review"},
    "attestations:link": {"/attestations/{attestation}"},
    "questionnaire:share": {"/applications/{app}/stage-2/check-answers"},
    "two_factor:recovery_codes": {"/two-factor"},
    "two_factor:recovery_codes_new": {"/two-factor"},
    "two_factor:turn_off": {"/two-factor"},
    # No app to replace in the matrix's world: setting up a first app needs no current code
    # (asking for it with an app is tests/web/test_two_factor.py's).
    "two_factor:replace_confirm": {"/two-factor/set-up"},
    "two_factor:replace_confirm_recovery_code": {"/two-factor/set-up"},
    "two_factor:sign_in": {"/", "/sign-in"},
    "two_factor:sign_in_recovery_code": {"/", "/sign-in"},
}

# NHS England's pages over every organisation: staff see both organisations' records on them.
CROSS_ORGANISATION = {
    "accounts:admin_organisations",
    "api:applications_list",
    "api:review_queue",
    "certificates:register",
    "review:queue",
}
