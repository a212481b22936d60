import re

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture
def organisation(db):
    from accounts.services import organisation_create

    return organisation_create(name="Northern Imaging Trust", ods_code="RNI", actor=None)


@pytest.fixture
def other_organisation(db):
    from accounts.services import organisation_create

    return organisation_create(name="Southern Scans Ltd", ods_code="8AB12", actor=None)


def make_member(organisation, email):
    from accounts.services import user_create

    return user_create(email=email, password=PASSWORD, organisation=organisation, actor=None)


@pytest.fixture
def member(organisation):
    return make_member(organisation, "ig.lead@northern.example")


@pytest.fixture
def colleague(organisation):
    return make_member(organisation, "cso@northern.example")


@pytest.fixture
def outsider(other_organisation):
    return make_member(other_organisation, "pm@southern.example")


@pytest.fixture
def reviewer(db):
    from accounts.models import UserKind
    from accounts.services import user_create

    return user_create(
        email="reviewer@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_member(member):
    return signed_in(member)


class Applicant:
    """Drives the applicant's pages the way a browser would: GET the page, POST the form."""

    def __init__(self, client: Client):
        self.client = client
        self.application_url = ""

    def start(self, scope="both"):
        response = self.client.post("/applications/start", {"scope": scope})
        assert response.status_code == 302, response.status_code
        # An organisation with a submitted application is asked next whether to start from its
        # answers (ADR 0020); the application's own page is the same URL without /start-from.
        self.application_url = response["Location"].removesuffix("/start-from")
        return self

    @property
    def stage2(self):
        return f"{self.application_url}/stage-2"

    def question_url(self, question_id):
        return f"{self.stage2}/questions/{question_id}"

    def version_of(self, question_id):
        page = self.client.get(self.question_url(question_id))
        match = re.search(r'name="version" value="(\d+)"', page.content.decode())
        return match.group(1) if match else "0"

    def answer(self, question_id, data, *, query="", version=None):
        version = self.version_of(question_id) if version is None else version
        return self.client.post(
            f"{self.question_url(question_id)}{query}", {"version": version, **data}
        )

    def answer_all(self, pages):
        response = None
        for question_id, data in pages:
            if data is None:  # a file question: go on without uploading
                assert self.client.get(self.question_url(question_id)).status_code == 200
                continue
            response = self.answer(question_id, data)
            assert response.status_code == 302, (
                question_id,
                response.status_code,
                errors_on(response),
            )
        return response

    def declaration_shown(self):
        """The SHA-256 of the declaration on Check your answers, as the page posts it back."""
        page = self.client.get(f"{self.stage2}/check-answers").content.decode()
        match = re.search(r'name="declaration" value="([0-9a-f]{64})"', page)
        return match.group(1) if match else ""

    def submit(self):
        return self.client.post(
            f"{self.stage2}/check-answers", {"declaration": self.declaration_shown()}
        )


def errors_on(response):
    if response.status_code != 400:
        return []
    found = re.findall(r'<a href="#[^"]*"\s*>([^<]*)</a>', response.content.decode())
    return [" ".join(text.split()) for text in found]


@pytest.fixture
def applicant(client_member, fixed_today):
    return Applicant(client_member).start()


@pytest.fixture
def clock(monkeypatch):
    """Move the service's clock forward instead of rewriting history (audit entries are
    append-only): see tests/web/clock.py."""
    from tests.web.clock import moved_clock

    return moved_clock(monkeypatch)
