"""NHS England's review in the authorisation matrix: the queue, an application's sections and
the reviewer's decisions, staff only.
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import EVERYONE, STAFF

REVIEW = {
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
}
