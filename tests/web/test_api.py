"""The JSON API (ADR 0024): personal tokens made and revoked on the account page, and the
version 1 endpoints answering with exactly what the token's user may see in a browser."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.selectors import key_hash
from applications.models import Application
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import SUPPLIER
from tests.api_tokens import ready_to_create, token_made
from tests.web.conftest import errors_on, signed_in


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api_client():
    return Client(raise_request_exception=False)


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    return Application.objects.get()


def test_the_account_page_shows_a_new_token_once_and_keeps_only_its_hash(member):
    client = ready_to_create(signed_in(member))
    response = client.post("/account/api-tokens", {"name": "Supplier portal", "days": "30"})
    assert response.status_code == 200
    page = response.content.decode()
    token = ApiToken.objects.get(user=member)
    secret = page.split('data-testid="token-secret">')[1].split("<")[0]
    assert secret.startswith("nir_") and len(secret) > 40
    assert token.key_hash == key_hash(secret) and secret not in str(token.__dict__)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditEntry.objects.filter(action="api_token.created", actor=member).count() == 1
    again = client.get("/account/api-tokens").content.decode()
    assert secret not in again and token.prefix in again and "Supplier portal" in again


def test_a_token_needs_a_name_and_an_allowed_duration(member):
    client = ready_to_create(signed_in(member))
    response = client.post("/account/api-tokens", {"name": " ", "days": "3650"})
    assert response.status_code == 400
    assert errors_on(response) == ["Enter a name for the token", "Select how long the token lasts"]
    assert not ApiToken.objects.exists()


def test_revoking_a_token_refuses_it_from_then_on_and_is_audited(member):
    secret = token_made(user=member, name="CI", days=7).secret
    assert api_client().get("/api/v1/applications", **bearer(secret)).status_code == 200
    token = ApiToken.objects.get()
    response = signed_in(member).post(f"/account/api-tokens/{token.pk}/revoke")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1
    refused = api_client().get("/api/v1/applications", **bearer(secret))
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Give a personal API token that is in date"}
    assert AuditEntry.objects.filter(action="api_token.refused").count() == 1


def test_no_one_revokes_another_users_token(member, outsider):
    token = token_made(user=member, name="CI", days=7).token
    response = signed_in(outsider).post(f"/account/api-tokens/{token.pk}/revoke")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_refused(member):
    created = token_made(user=member, name="CI", days=7)
    ApiToken.objects.filter(pk=created.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = api_client().get("/api/v1/applications", **bearer(created.secret))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_no_token_or_a_made_up_one_is_refused(db):
    assert api_client().get("/api/v1/applications").status_code == 401
    response = api_client().get("/api/v1/applications", **bearer("nir_made-up"))
    assert response.status_code == 401


def test_an_applicant_reads_their_organisations_applications_and_no_other(
    submitted, member, outsider
):
    own = token_made(user=member, name="A", days=7).secret
    other = token_made(user=outsider, name="B", days=7).secret
    listed = api_client().get("/api/v1/applications", **bearer(own)).json()
    assert [a["reference"] for a in listed] == [submitted.reference]
    assert api_client().get("/api/v1/applications", **bearer(other)).json() == []
    detail = api_client().get(f"/api/v1/applications/{submitted.pk}", **bearer(own))
    assert detail.status_code == 200
    body = detail.json()
    assert body["stage2_state"] == submitted.stage2_state
    stored = Answer.objects.filter(response__application=submitted)
    assert body["answers"] == [
        {"question_id": a.question_id, "version": a.version, "value": a.value}
        for a in stored.order_by("question_id")
    ]
    assert body["timeline"][-1]["to_state"] == submitted.stage2_state
    hidden = api_client().get(f"/api/v1/applications/{submitted.pk}", **bearer(other))
    assert hidden.status_code == 404 and submitted.reference not in hidden.content.decode()


def test_the_review_queue_is_for_nhs_england_only(submitted, member, reviewer):
    queue = api_client().get(
        "/api/v1/review/queue", **bearer(token_made(user=reviewer, name="R", days=7).secret)
    )
    assert queue.status_code == 200
    assert [r["reference"] for r in queue.json()["results"]] == [submitted.reference]
    refused = api_client().get(
        "/api/v1/review/queue", **bearer(token_made(user=member, name="A", days=7).secret)
    )
    assert refused.status_code == 404


def test_the_questionnaire_definition_is_the_current_one(member, definition):
    secret = token_made(user=member, name="A", days=7).secret
    body = api_client().get("/api/v1/questionnaire", **bearer(secret)).json()
    assert body["version"] == definition.version
    assert [q["id"] for q in body["questions"]] == [q.id for q in definition.questions]


def test_each_token_is_rate_limited_with_retry_after(member, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    first = token_made(user=member, name="A", days=7).secret
    second = token_made(user=member, name="B", days=7).secret
    statuses = [
        api_client().get("/api/v1/applications", **bearer(first)).status_code for _ in range(4)
    ]
    limited = api_client().get("/api/v1/applications", **bearer(first))
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429 and limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert api_client().get("/api/v1/applications", **bearer(second)).status_code == 200


def test_the_openapi_description_and_its_docs_page_are_served_from_this_site(db):
    description = api_client().get("/api/v1/openapi.json").json()
    assert description["openapi"].startswith("3.1")
    assert {"/api/v1/applications", "/api/v1/review/queue"} <= set(description["paths"])
    docs = api_client().get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    # The CSP allows scripts and styles from this site only: the docs use ninja's bundled copy.
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "'self'" in docs["Content-Security-Policy"]


def post_json(path, body, secret):
    return api_client().post(path, body, content_type="application/json", **bearer(secret))


def test_an_answer_saved_through_the_api_is_checked_with_the_pages_words(applicant, member):
    application = Application.objects.get()
    secret = token_made(user=member, name="A", days=7).secret
    url = f"/api/v1/applications/{application.pk}/answers"
    applicant.answer("role", SUPPLIER[0][1])
    missing = post_json(f"{url}/s_isms", {"version": 0, "data": {}}, secret)
    assert missing.status_code == 422
    # Word for word what the question's page says to the same empty answer.
    page = applicant.answer("s_isms", {})
    assert errors_on(page) and [e["message"] for e in missing.json()["errors"]] == [
        html.unescape(text) for text in errors_on(page)
    ]
    saved = post_json(f"{url}/s_isms", {"version": 0, "data": {"answer": "yes"}}, secret)
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert Answer.objects.get(question_id="s_isms").value == saved.json()["value"]
    stale = post_json(f"{url}/s_isms", {"version": 0, "data": {"answer": "no"}}, secret)
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["message"].startswith("Someone else in your organisation")
    assert Answer.objects.get(question_id="s_isms").version == 1


def test_another_organisation_cannot_answer_or_submit(applicant, outsider):
    application = Application.objects.get()
    secret = token_made(user=outsider, name="B", days=7).secret
    answer = post_json(
        f"/api/v1/applications/{application.pk}/answers/role", {"version": 0, "data": {}}, secret
    )
    submit = post_json(f"/api/v1/applications/{application.pk}/submit", {}, secret)
    assert answer.status_code == 404 and submit.status_code == 404
    assert not Answer.objects.exists()


def test_submitting_through_the_api_accepts_the_declaration_by_its_sha256(applicant, member):
    applicant.answer_all(SUPPLIER)
    application = Application.objects.get()
    secret = token_made(user=member, name="A", days=7).secret
    base = f"/api/v1/applications/{application.pk}"
    declaration = api_client().get(f"{base}/declaration", **bearer(secret)).json()
    assert member.email in declaration["text"]
    wrong = post_json(f"{base}/submit", {"declaration_sha256": "0" * 64}, secret)
    assert wrong.status_code == 409
    assert wrong.json()["detail"].startswith("The declaration has changed")
    application.refresh_from_db()
    assert application.stage2_submitted_at is None
    done = post_json(f"{base}/submit", {"declaration_sha256": declaration["sha256"]}, secret)
    assert done.status_code == 200 and done.json() == {"status": "submitted"}
    application.refresh_from_db()
    assert application.stage2_state == "submitted"
    assert AuditEntry.objects.filter(action="response.submit", actor=member).count() == 1


def test_a_form_encoded_body_is_refused_as_not_json(applicant, member):
    application = Application.objects.get()
    secret = token_made(user=member, name="A", days=7).secret
    response = api_client().post(
        f"/api/v1/applications/{application.pk}/submit", {"x": "1"}, **bearer(secret)
    )
    assert response.status_code == 415 and response.json() == {"detail": "Send the body as JSON"}


def test_a_reviewer_reads_an_application_with_its_holds_and_flag(submitted, reviewer):
    from workflow.decisions.review import reviewer_hold_raise

    reviewer_hold_raise(
        application=submitted,
        actor=reviewer,
        expected_version=submitted.stage2_version,
        reason="Check the DPIA",
    )
    secret = token_made(user=reviewer, name="R", days=7).secret
    body = api_client().get(f"/api/v1/applications/{submitted.pk}", **bearer(secret)).json()
    assert body["flagged"] is submitted.stage2_flagged
    assert [(h["reason"], h["lifted_at"]) for h in body["holds"]] == [("Check the DPIA", None)]
