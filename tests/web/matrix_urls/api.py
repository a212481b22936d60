"""The API's URLs in the authorisation matrix: personal API tokens and the JSON API (ADR
0024).
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import APPLICANT, EVERYONE, SIGNED_IN, STAFF

TOKENS = {
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
}

API = {
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
