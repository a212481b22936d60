"""Request ids and logs (ADR 0040): every response carries its request's id, the request's log
line carries the same id, the user's id and never their email, production writes it as one JSON
object, and the 500 page shows the id to quote."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from operations.logs import JsonFormatter, RequestIdFilter
from operations.sentry import event_scrub
from tests.web.conftest import signed_in


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "nir.requests"]


def as_json(record: logging.LogRecord) -> dict:
    """The record as production writes it: the handler's filter, then the JSON formatter."""
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_request_is_given_an_id_it_returns_and_logs_with_the_user_id(member, caplog):
    caplog.set_level(logging.INFO, logger="nir.requests")
    response = signed_in(member).get("/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32

    [record] = request_lines(caplog)
    line = as_json(record)
    assert line["request_id"] == request_id
    assert line["user_id"] == member.pk
    assert line["route"] == "applications:list"
    assert line["status"] == 200
    assert line["level"] == "INFO" and line["logger"] == "nir.requests"
    assert isinstance(line["duration_ms"], float)
    assert member.email not in json.dumps(line)


def test_every_line_written_during_the_request_has_its_id(db, caplog, monkeypatch):
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(
        "core.views.JsonResponse",
        lambda data: (logging.getLogger("core.views").info("answering"), _real(data))[1],
    )
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    assert response["X-Request-ID"] == "lb-0123456789abcdef"
    [answering] = [r for r in caplog.records if r.getMessage() == "answering"]
    assert as_json(answering)["request_id"] == "lb-0123456789abcdef"
    assert as_json(request_lines(caplog)[0])["user_id"] is None


def _real(data):
    from django.http import JsonResponse

    return JsonResponse(data)


@pytest.mark.parametrize(
    "incoming", ["short", "has spaces in it 12345", "x" * 65, "evil\nINFO forged line", "é" * 10]
)
def test_an_incoming_request_id_that_is_not_a_plain_token_is_replaced(db, incoming):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.urls("tests.operations.boom_urls")
def test_the_500_page_shows_the_reference_to_quote(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom")
    assert response.status_code == 500
    reference = response["X-Request-ID"]
    text = response.content.decode()
    assert "Sorry, there is a problem with the service" in text
    assert "quote this reference" in text and reference in text
    [error] = [r for r in caplog.records if r.name == "django.request"]
    line = as_json(error)
    assert line["request_id"] == reference
    assert "something broke" in line["exc_info"]


def test_the_console_format_in_development_is_readable_lines(settings):
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "console"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["console"]["format"]))
    handler.handle(record)
    assert stream.getvalue().rstrip().endswith("INFO x [-] hello")


def test_sentry_events_lose_cookies_bodies_credentials_and_email_addresses():
    event = {
        "message": "Could not send to ig.lead@northern.example",
        "request": {
            "url": "https://nir.example/applications",
            "method": "POST",
            "cookies": {"sessionid": "abc"},
            "data": {"answer": "Our secret answer"},
            "query_string": "email=ig.lead%40northern.example",
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Bearer nir_token",
                "X-CSRFToken": "t",
                "User-Agent": "Firefox",
            },
        },
        "user": {"id": "7", "email": "ig.lead@northern.example", "ip_address": "10.0.0.1"},
        "exception": {"values": [{"type": "ValueError", "value": "No user cso@northern.example"}]},
        "breadcrumbs": {"values": [{"message": "SELECT … 'pm@southern.example'"}]},
    }
    scrubbed = event_scrub(event, {})
    text = json.dumps(scrubbed)
    for gone in (
        "@northern.example",
        "@southern.example",
        "sessionid",
        "secret answer",
        "nir_token",
    ):
        assert gone not in text
    assert scrubbed["user"] == {"id": "7"}
    assert scrubbed["request"]["headers"] == {"User-Agent": "Firefox"}
    assert scrubbed["request"]["url"] == "https://nir.example/applications"
    assert scrubbed["message"] == "Could not send to [removed]"


def test_djangos_own_line_for_a_page_not_found_has_the_request_id(db, caplog):
    # Django writes it after the middleware has returned the response: the id is still current.
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get("/no-such-page")
    assert response.status_code == 404
    [line] = [r for r in caplog.records if r.name == "django.request"]
    assert line.request_id == response["X-Request-ID"]


def test_with_a_sentry_dsn_the_sdk_starts_without_personal_data():
    from tests.config.support import python

    shown = python(
        "import django, json, sentry_sdk; django.setup(); o = sentry_sdk.get_client().options; "
        "print(json.dumps([o['dsn'], o['send_default_pii'], o['include_local_variables'], "
        "o['max_request_body_size'], o['before_send'].__name__, o['environment']]))",
        SENTRY_DSN="https://public@sentry.example/1",
        SENTRY_ENVIRONMENT="staging",
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == [
        "https://public@sentry.example/1",
        False,
        False,
        "never",
        "event_scrub",
        "staging",
    ]


def test_an_email_address_in_a_log_line_is_replaced(db):
    try:
        raise ValueError("duplicate key (email)=(ig.lead@northern.example) already exists")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.db",
            logging.ERROR,
            __file__,
            1,
            "Could not add %s",
            ("cso@northern.example",),
            sys.exc_info(),
        )
    line = as_json(record)
    assert line["message"] == "Could not add [removed]"
    assert "northern.example" not in json.dumps(line) and "ValueError" in line["exc_info"]
