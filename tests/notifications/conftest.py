import uuid

import pytest

from tests.notifications.fake_notify import API_KEY, FakeNotify, serve
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, reviewers)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def notification_settings(settings):
    """Tasks run at once (as under DJANGO_ENV=test), email goes to Django's outbox."""
    settings.TASKS = IMMEDIATE
    settings.NOTIFICATIONS_BACKEND = "email"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def fake_notify(db, settings):
    """A fake GOV.UK Notify on 127.0.0.1, with the service set to send through it."""
    fake = FakeNotify()
    server = serve(fake)
    settings.NOTIFICATIONS_BACKEND = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_TEMPLATE_IDS = {
        name: str(uuid.uuid5(uuid.NAMESPACE_URL, name)) for name in template_names()
    }
    yield fake
    server.shutdown()
    server.server_close()


def template_names():
    from notifications.templates import TEMPLATES

    return list(TEMPLATES)


@pytest.fixture
def application(member):
    from applications.services import application_create

    return application_create(actor=member, scope="both")


DECISION = {
    "reference": "NIR-7KQ2-M9XD-4TPH",
    "organisation": "Northern Imaging Trust",
    "decision": "changes requested",
    "reason": "Upload your DCB0160 clinical safety case report.",
    "url": "https://nir-onboarding.example.nhs.uk/applications/1",
}
