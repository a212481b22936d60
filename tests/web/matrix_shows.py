"""The authorization matrix's expectations of each page it serves
(tests/web/test_authorization_matrix.py):
the words each URL in tests/web/matrix_urls/ (its tables, by area) must show to a role allowed
it, what it shows instead to someone not signed in, where an allowed GET may send them instead,
and NHS England's pages over every organisation."""

# What a page served to a role allowed it must show (its visible text; a JSON, CSV or
# spreadsheet's text; a file's bytes): the record's reference or other words of the record
# itself, from the asking role's organisation (tests/web/matrix_world.py names them), or the
# page's own heading when it shows no record. `{user_email}` and `{user_token}` are the asking
# person's own.
SHOWS = {
    "healthz": ['"status": "ok"'],
    "readyz": ['"status": "ok"', '"database": "ok"'],
    "metrics": ["# TYPE nir_applications gauge", "# TYPE nir_http_requests_total counter"],
    "accounts:sign_in": ["Sign in", "Email address", "Password"],
    # "You have signed out", or to someone signed in again "You are signed in" (test_sign_in.py).
    "accounts:signed_out": ["signed"],
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
    "accounts:admin_people": ["Find a person", "reviewer@england.example", "NHS England"],
    "accounts:admin_person": ["reviewer@england.example", "Last signed in", "Reviewer"],
    "accounts:admin_person_two_factor_reset": [
        "Reset two-factor authentication for reviewer@england.example",
    ],
    "accounts:admin_person_deactivate": [
        "Are you sure you want to deactivate reviewer@england.example?",
    ],
    "accounts:admin_audit_log": ["Audit log", "Download as CSV"],
    "accounts:admin_audit_log_csv": ["Entry,When,Who,What happened"],
    "accounts:admin_audit_entry": ["Audit entry", "What happened", "What changed"],
    "accounts:password_reset": ["Reset your password"],
    "applications:list": ["Your applications", "{reference}", "{controller_reference}"],
    "service_pages:accessibility": ["Accessibility statement for", "Non-accessible content"],
    "service_pages:privacy": ["Privacy notice", "GOV.UK Notify"],
    "service_pages:cookies": ["Cookies", "sessionid", "csrftoken", "messages", "nir_device"],
    "service_pages:help": ["Help and contact"],
    "service_pages:feedback": ["Give feedback on this service"],
    "service_pages:feedback_sent": ["Thank you for your feedback"],
    "service_pages:feedback_list": ["Feedback", "No one has sent feedback yet"],
    "questionnaire:admin_versions": ["Questionnaire versions", "New applications answer version 1"],
    "questionnaire:admin_version_new": ["Check a new questionnaire version", "stage2-v1.yaml"],
    "questionnaire:admin_version_candidate": [
        "Version 2: check and publish",
        "It asks the same questions with the same rules",
    ],
    "questionnaire:admin_version_preview": [
        "Version 2 as a Data Controller (End User Organisation) sees it",
        "Question 1: Onboarding role",
    ],
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
    "applications:reply_hold": ["Reply to NHS England", "{hold_reason}", "{reference}"],
    "applications:reply_comment": ["Reply to NHS England", "{comment_applicant}", "{reference}"],
    "applications:reply_change_request": [
        "Reply to NHS England",
        "{change_comment}",
        "{reference}",
    ],
    "applications:reply_document_request": ["Reply to NHS England", "{doc_note}", "{reference}"],
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
    "two_factor:passkey_sign_in": ["Sign in with a passkey", "Use a passkey"],
    # Nobody in the matrix's world has an app: the current factor is their password.
    "two_factor:passkeys_confirm": ["Confirm it is you", "Enter your password"],
    "review:queue": ["Applications to review", "{reference}"],
    "review:dashboard": ["Review times"],
    "review:application": [
        "Application {reference}",
        "{organisation}",
        "{hold_reason}",
        "{doc_title}",
    ],
    "review:answers": ["Submitted answers", "Application {reference}"],
    "review:answer_change": ["Request a change to question 6", "Application {reference}"],
    "review:evidence": ["{evidence_name}", "{doc_title}", "Application {reference}"],
    "review:people": ["{key_person}", "Application {reference}", "The answer speaks of"],
    "review:holds": ["{hold_reason}", "Application {reference}"],
    "review:comments": ["{comment_internal}", "{comment_applicant}", "Application {reference}"],
    "review:response_fhir": ['"QuestionnaireResponse"', "{reference}"],
    "review:assurance_pack_key": ["-----BEGIN PUBLIC KEY-----"],
    "review:request_changes": ["Which answers need to change?", "{reference}"],
    "review:approve": ["Approve stage 2 for {organisation}?"],
    "review:hold_raise": ["Why are you pausing onboarding?"],
    "review:hold_lift": ["Why are you lifting this hold?", "{hold_reason}", "{reference}"],
    "review:document_request_new": ["Request a document", "{reference}"],
    "review:document_request": ["{doc_title}", "{doc_note}", "{reference}"],
    "review:document_request_ask_again": ["{doc_title}", "{reference}"],
    "review:stage_complete": ["Mark stage 3 complete", "Application {reference}"],
    "review:timeline": ["Timeline", "Application {reference}", "{hold_reason}", "{doc_title}"],
    "attestations:key_personnel": ["Key personnel", "{key_person}", "{reference}"],
    "attestations:key_person_add": ["Add a person", "{controller_reference}"],
    "attestations:key_person_change": ["Change a person", "{draft_person}"],
    "attestations:key_person_remove": ["Are you sure you want to remove {draft_person}?"],
    "attestations:list": ["Attestations", "{key_person}", "{reference}"],
    "attestations:ask": ["Who will attest question 8?", "{key_person}", "{reference}"],
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
    "tokens:confirm": ["Create an API token"],
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

# What a page shows instead to someone not signed in (the same address, another page).
SHOWS_TO_ANONYMOUS = {
    "applications:list": ["Onboard to the National Imaging Registry", "Before you start"],
}

# Where an allowed GET may send the role instead (a link followed, a page with nothing to show
# yet, the signed-in sent on): nowhere else.
REDIRECTS = {
    "accounts:sign_in": {"/"},
    "accounts:invitation_link": {"/invitation/accept"},
    "accounts:password_reset_link": {"/password-reset/new-password"},
    "applications:list": {"/review"},
    # The reviewer's account is active: nothing to reactivate, so back to their page.
    "accounts:admin_person_reactivate": {"/administration/people/{staff_user}"},
    # Nothing collected to send: back to the answers, where changes are requested.
    "review:changes_send": {"/review/applications/{app}/answers"},
    # The token leaves the address before any page is shown; the page is /attest's, and
    # tests/attestations/test_link_tokens_kept_nowhere.py checks what it shows.
    "attestations:link": {"/attest"},
    "questionnaire:share": {"/applications/{app}/stage-2/check-answers"},
    # On the current version already: nothing to move to, so back to the application.
    "questionnaire:version_move": {"/applications/{app}"},
    "two_factor:recovery_codes": {"/two-factor"},
    "two_factor:recovery_codes_new": {"/two-factor"},
    "two_factor:turn_off": {"/two-factor"},
    # No app to replace in the matrix's world: setting up a first app needs no current code
    # (asking for it with an app is tests/web/test_two_factor.py's).
    "two_factor:replace_confirm": {"/two-factor/set-up"},
    # With no app, a token is confirmed with the password (tokens:confirm), not a recovery code.
    "tokens:confirm_recovery_code": {"/account/api-tokens/confirm"},
    "two_factor:replace_confirm_recovery_code": {"/two-factor/set-up"},
    "two_factor:sign_in": {"/", "/sign-in"},
    "two_factor:sign_in_recovery_code": {"/", "/sign-in"},
    "two_factor:sign_in_passkey": {"/", "/sign-in"},
    # Signed in already: on to their page.
    "two_factor:passkey_sign_in": {"/"},
    # Adding or removing a passkey asks for the current factor first; with no passkey named,
    # removing goes back to the account page's passkeys.
    "two_factor:passkey_add": {"/account/passkeys/confirm?next=%2Faccount%2Fpasskeys%2Fadd"},
    "two_factor:passkey_remove": {"/account#passkeys"},
    "two_factor:passkeys_confirm_recovery_code": {"/account/passkeys/confirm"},
    # Nobody in the matrix's world has a passkey to confirm with.
    "two_factor:passkeys_confirm_passkey": {"/account/passkeys/confirm"},
}

# NHS England's pages over every organisation: staff see both organisations' records on them.
CROSS_ORGANISATION = {
    "accounts:admin_organisations",
    "accounts:admin_audit_log",
    "accounts:admin_audit_log_csv",
    "accounts:admin_audit_entry",
    "api:applications_list",
    "api:review_queue",
    "certificates:register",
    "review:queue",
}
