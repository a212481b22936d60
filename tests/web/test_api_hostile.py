"""The JSON API against careless and hostile clients (ADR 0024): whatever is sent, the answer is
a 4xx with a structured JSON error, never a server error, and what is kept is what the pages
would keep."""

import pytest
from django.test import Client

from api.models import ApiToken
from applications.models import Application
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import SUPPLIER
from tests.api_tokens import token_made


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api_client():
    return Client(raise_request_exception=False)


def post_raw(path, body, secret, content_type="application/json"):
    return api_client().post(path, body, content_type=content_type, **bearer(secret))


@pytest.fixture
def secret(member):
    return token_made(user=member, name="A", days=7).secret


@pytest.fixture
def answers_url(applicant):
    return f"/api/v1/applications/{Application.objects.get().pk}/answers"


def assert_problems(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    for problem in body.get("errors", []):
        assert set(problem) == {"field", "input_id", "message"} and problem["message"]
    return body


def test_a_malformed_application_id_is_a_structured_422_not_a_server_error(secret, applicant):
    response = api_client().get("/api/v1/applications/not-a-uuid", **bearer(secret))
    body = assert_problems(response, 422)
    assert [e["field"] for e in body["errors"]] == ["path.application_id"]


def test_a_queue_page_that_is_not_a_number_is_a_structured_422(reviewer):
    secret = token_made(user=reviewer, name="R", days=7).secret
    response = api_client().get("/api/v1/review/queue?page=abc", **bearer(secret))
    body = assert_problems(response, 422)
    assert [e["field"] for e in body["errors"]] == ["query.page"]


def test_wrong_types_in_an_answer_name_each_field_in_a_422(secret, answers_url):
    response = post_raw(f"{answers_url}/role", {"version": "x", "data": {"answer": 1}}, secret)
    body = assert_problems(response, 422)
    assert sorted(e["field"] for e in body["errors"]) == ["body.data.answer", "body.version"]
    missing = post_raw(f"{answers_url}/role", {"version": 0, "data": ["supplier"]}, secret)
    assert [e["field"] for e in assert_problems(missing, 422)["errors"]] == ["body.data"]
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b'{"version": 0, "data": {"answer"', b'{"version": 0, "data": {"answer": "\xff"}}'],
    ids=["truncated", "not-utf-8"],
)
def test_a_body_that_is_not_json_is_a_400(secret, answers_url, body):
    assert_problems(post_raw(f"{answers_url}/role", body, secret), 400)


def test_a_body_over_the_size_limit_is_a_413_not_a_server_error(secret, answers_url, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"version": 0, "data": {"answer": "supplier", "product_name": "x" * 2000}}
    response = post_raw(f"{answers_url}/role", body, secret)
    assert assert_problems(response, 413) == {"detail": "The request is too large"}
    assert not Answer.objects.exists()


def test_control_characters_in_an_answer_are_cleaned_as_the_pages_clean_them(secret, answers_url):
    """A NUL is refused by PostgreSQL in JSON: through the pages the middleware strips it
    (ADR 0007); the API's JSON body is cleaned the same way."""
    data = {
        "answer": "supplier",
        "product_name": "PACS\x00 One\x07",
        "product_version": "4.2\x1b.1",
    }
    response = post_raw(f"{answers_url}/role", {"version": 0, "data": data}, secret)
    assert response.status_code == 200, response.content[:300]
    assert Answer.objects.get(question_id="role").value["product_name"] == "PACS One"
    assert Answer.objects.get(question_id="role").value["product_version"] == "4.2.1"


def test_an_answer_saved_on_the_pages_can_be_changed_through_the_api_with_its_version(
    applicant, member, secret, answers_url
):
    applicant.answer_all(SUPPLIER[:2])
    application = Application.objects.get()
    detail = api_client().get(f"/api/v1/applications/{application.pk}", **bearer(secret))
    versions = {a["question_id"]: a["version"] for a in detail.json()["answers"]}
    assert versions == {"role": 1, "s_isms": 1}
    changed = post_raw(
        f"{answers_url}/s_isms", {"version": versions["s_isms"], "data": {"answer": "no"}}, secret
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2


def test_a_revoked_tokens_use_is_rate_limited_before_it_is_audited(member, settings):
    """Each use of a revoked token writes an audit entry: without the limit, anyone holding one
    could write to the audit log as fast as they can send."""
    settings.API_REQUESTS_PER_MINUTE = 3
    created = token_made(user=member, name="Leaked", days=7)
    ApiToken.objects.filter(pk=created.token.pk).update(revoked_at=created.token.created_at)
    statuses = [
        api_client().get("/api/v1/applications", **bearer(created.secret)).status_code
        for _ in range(6)
    ]
    assert statuses == [401, 401, 401, 429, 429, 429]
    assert AuditEntry.objects.filter(action="api_token.refused").count() == 3


def test_a_submission_refused_as_not_ready_lists_what_the_page_lists(applicant, secret):
    """The page says "Put right the answers listed below" above its list of the questions still
    to answer: the API said the same words with nothing listed."""
    import html
    import re

    applicant.answer_all(SUPPLIER[:3])
    application = Application.objects.get()
    response = post_raw(f"/api/v1/applications/{application.pk}/submit", {}, secret)
    body = assert_problems(response, 409)
    page = applicant.client.get(f"{applicant.stage2}/check-answers").content.decode()
    listed = re.findall(r'<li><a href="[^"]*">(Question [^<]*)</a></li>', page)
    assert listed and body["detail"] == "You cannot submit yet. Put right the answers listed below"
    assert [e["message"] for e in body["errors"]] == [html.unescape(text) for text in listed]
    assert [e["field"] for e in body["errors"]] == [q for q, _ in SUPPLIER[3:]]


def test_the_rate_limit_is_counted_where_every_process_sees_it(member, settings, monkeypatch):
    """Production runs several gunicorn workers, each with its own local-memory cache: a count
    kept there let a token make the limit's worth of requests in every worker. A fresh cache
    here is what a request landing in another worker sees."""
    from types import SimpleNamespace

    from django.core.cache import cache

    from api import auth

    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    settings.API_REQUESTS_PER_MINUTE = 2
    secret = token_made(user=member, name="A", days=7).secret
    statuses = []
    for _ in range(3):
        cache.clear()
        statuses.append(api_client().get("/api/v1/applications", **bearer(secret)).status_code)
    assert statuses == [200, 200, 429]


def test_the_applications_list_pages_rather_than_dropping_the_oldest(
    client_member, member, secret, monkeypatch
):
    """It was cut at 500 with nothing to say so: NHS England's list of every submitted
    application would lose its oldest without a trace."""
    from api import endpoints
    from tests.web.conftest import Applicant

    monkeypatch.setattr(endpoints, "LIST_PAGE_SIZE", 2)
    for _ in range(3):
        Applicant(client_member).start()
    newest_first = [str(a.pk) for a in Application.objects.order_by("-created_at", "-pk")]

    def page(query=""):
        response = api_client().get(f"/api/v1/applications{query}", **bearer(secret))
        assert response.status_code == 200
        return [a["id"] for a in response.json()]

    assert page() == newest_first[:2] == page("?page=1")
    assert page("?page=2") == newest_first[2:]
    assert page("?page=3") == []
    for wrong in ("0", "-1", str(10**20)):
        response = api_client().get(f"/api/v1/applications?page={wrong}", **bearer(secret))
        assert [e["field"] for e in assert_problems(response, 422)["errors"]] == ["query.page"]


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/api/v1/applications?" + "&".join(f"a{i}=1" for i in range(1200)), 400, "Bad request"),
        ("/api/v1/no-such-thing", 404, "Not found"),
    ],
    ids=["too-many-query-fields", "unknown-path"],
)
def test_a_request_refused_before_the_api_sees_it_still_answers_json(secret, path, status, detail):
    """Refused by Django itself (too many fields, no such URL), an API request got the pages'
    HTML error page."""
    response = api_client().get(path, **bearer(secret))
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": detail}
    page = api_client().get("/sign-in?" + "&".join(f"a{i}=1" for i in range(1200)))
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
