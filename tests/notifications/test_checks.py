"""The system check: GOV.UK Notify must have its key and every template id before it is used."""

import uuid

import pytest

from notifications.checks import notify_configured
from notifications.templates import TEMPLATES
from tests.notifications.fake_notify import API_KEY

ALL_IDS = {name: str(uuid.uuid4()) for name in TEMPLATES}


@pytest.fixture
def notify_in_production(settings):
    settings.NOTIFICATIONS_BACKEND = "notify"
    settings.DJANGO_ENV = "production"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_TEMPLATE_IDS = dict(ALL_IDS)
    return settings


def test_the_email_backend_needs_no_notify_settings(settings):
    settings.NOTIFICATIONS_BACKEND = "email"
    settings.DJANGO_ENV = "production"
    settings.NOTIFY_API_KEY = ""
    assert notify_configured() == []


def test_notify_fully_configured_passes(notify_in_production):
    assert notify_configured() == []


def test_notify_in_production_without_a_key_or_template_ids_is_an_error(notify_in_production):
    notify_in_production.NOTIFY_API_KEY = ""
    notify_in_production.NOTIFY_TEMPLATE_IDS = {"decision": ALL_IDS["decision"]}
    problems = notify_configured()
    assert all(problem.is_serious() for problem in problems)
    assert [problem.id for problem in problems] == ["notifications.E001"] + [
        "notifications.E002"
    ] * (len(TEMPLATES) - 1)
    messages = " ".join(problem.msg for problem in problems)
    assert "NOTIFY_TEMPLATE_DECISION" not in messages
    assert "NOTIFY_TEMPLATE_HOLD_RAISED is missing" in messages


def test_a_malformed_key_or_template_id_is_an_error(notify_in_production):
    notify_in_production.NOTIFY_API_KEY = "not-a-key"
    notify_in_production.NOTIFY_TEMPLATE_IDS = dict(ALL_IDS, decision="decision-template")
    assert [problem.id for problem in notify_configured()] == [
        "notifications.E001",
        "notifications.E002",
    ]


def test_outside_production_a_missing_setting_is_a_warning(notify_in_production):
    notify_in_production.DJANGO_ENV = "development"
    notify_in_production.NOTIFY_API_KEY = ""
    problems = notify_configured()
    assert problems and not any(problem.is_serious() for problem in problems)
