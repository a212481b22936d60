"""The applicant's side in the authorisation matrix: applications, their questionnaire,
evidence, key personnel and attestations, certificates, the hazard log and the NHS number
checker (with staff's reading of the same records where they have one).
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import APPLICANT, EVERYONE, MEMBERS, SIGNED_IN, STAFF

# An application and the organisation's replies to NHS England.
APPLICATIONS = {
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
}

# The Stage 2 questionnaire.
QUESTIONNAIRE = {
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
}

EVIDENCE = {
    "evidence:download": ("/evidence/{evidence}/download", ["GET"], APPLICANT | STAFF, False),
}

ATTESTATIONS = {
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
    # The page of the link this browser followed (the token left the address on the way): with
    # none followed, not a valid link for anyone.
    "attestations:link_followed": ("/attest", ["GET"], set(), True),
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
}

CERTIFICATES = {
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
}

HAZARDS = {
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
}

NHS_NUMBERS = {
    # The NHS number checker (ADR 0021): a Data Controller application's members only.
    "nhs_numbers:check": (
        "/applications/{controller_app}/nhs-number-check",
        ["GET", "POST"],
        APPLICANT,
        False,
    ),
}
