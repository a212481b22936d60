"""An application's whole life in Chromium, by labels and visible text, as each person would live
it: a trust's lead answers every question page, uploads question 15's file, records a key person
and asks them to attest, and submits; the key person attests through the emailed link; NHS
England's reviewer works it from the queue (start, request a change); the lead changes that
answer and resubmits; the reviewer pauses and resumes onboarding and asks for a document; the
lead sends it; the reviewer accepts it, comments, approves and marks stage 3 complete; an
administrator manages organisations and staff. Every page anyone reaches passes
tests/system/page_checks.py: no markup shown as text, nothing refused by the CSP, axe with 0
WCAG 2.2 AA violations, a screenshot, its height at 1280 px.

To cover a new page, write a step in tests/system/lifecycle_steps.py and add it to STEPS (for a
page reached by doing something), or add a line to PAGES_AT_THE_END (for a page that only needs
visiting, seen with the application's whole history). The walk takes the service layer's
shortcut only where it has already shown the same page type: the attestations after the first
one (tests/attestations/support.attest_all)."""

from __future__ import annotations

import time

import pytest

from service_pages.cookies import service_cookies
from tests.evidence.conftest import clamd_address  # noqa: F401 - a real test clamd
from tests.system.lifecycle_steps import (
    Lifecycle,
    the_administrator_manages_organisations_and_staff,
    the_key_person_attests_through_the_link,
    the_lead_answers_every_question_and_uploads_question_15s_file,
    the_lead_changes_the_answer_and_resubmits,
    the_lead_records_a_key_person_and_asks_them_to_attest,
    the_lead_sees_stage_2_approved,
    the_lead_sends_the_document,
    the_lead_sends_the_document_again,
    the_lead_submits,
    the_reviewer_accepts_the_document_approves_and_completes_stage_3,
    the_reviewer_asks_for_the_document_again,
    the_reviewer_pauses_and_resumes_onboarding,
    the_reviewer_requests_a_document,
    the_reviewer_starts_a_review_and_requests_a_change,
)
from tests.system.page_checks import Walk

pytestmark = pytest.mark.system


# ---------------------------------------------------------------------- every page at the end
# Pages seen again with the application's whole history: the reviewer's section pages are
# measured here. {application} and {document} are filled in from the walk.
PAGES_AT_THE_END = {
    "reviewer": [
        "/review",
        "/review/dashboard",
        "/review/applications/{application}",
        "/review/applications/{application}/answers",
        "/review/applications/{application}/answers/c_incident_leads/request-change",
        "/review/applications/{application}/evidence",
        "/review/applications/{application}/people",
        "/review/applications/{application}/holds",
        "/review/applications/{application}/comments",
        "/review/applications/{application}/timeline",
        "/review/applications/{application}/timeline?kind=holds",
        "/review/applications/{application}/hazard-log",
        "/review/applications/{application}/documents/{document}",
    ],
    "lead": [
        "/",
        "/applications/{application}",
        "/applications/{application}/stage-2",
        "/applications/{application}/stage-2/check-answers",
        "/applications/{application}/stage-2/questions/c_aup",
        "/applications/{application}/key-personnel",
        "/applications/{application}/attestations",
        "/applications/{application}/hazard-log",
        "/applications/{application}/nhs-number-check",
        "/applications/{application}/dspt",
        "/applications/{application}/documents/{document}",
        "/organisation/members",
        "/account",
    ],
}


def every_page_again_at_the_end(life: Lifecycle):
    for person, paths in PAGES_AT_THE_END.items():
        for path in paths:
            life.person(person).visit(path.format(application=life.pk, document=life.document_id))


STEPS = [
    the_lead_answers_every_question_and_uploads_question_15s_file,
    the_lead_records_a_key_person_and_asks_them_to_attest,
    the_lead_submits,
    the_key_person_attests_through_the_link,
    the_reviewer_starts_a_review_and_requests_a_change,
    the_lead_changes_the_answer_and_resubmits,
    the_reviewer_pauses_and_resumes_onboarding,
    the_reviewer_requests_a_document,
    the_lead_sends_the_document,
    the_reviewer_asks_for_the_document_again,
    the_lead_sends_the_document_again,
    the_reviewer_accepts_the_document_approves_and_completes_stage_3,
    the_lead_sees_stage_2_approved,
    the_administrator_manages_organisations_and_staff,
    every_page_again_at_the_end,
]


@pytest.fixture
def evidence_in(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def scanned(evidence_in, settings, clamd_address):  # noqa: F811 - the fixture imported above
    """Files are checked by a real clamd (the project's test one), as they are in production."""
    settings.CLAMD_ADDRESS = clamd_address
    return evidence_in


@pytest.fixture
def cookies_set(monkeypatch):
    """The name of every cookie in every Set-Cookie header the service sends while the test
    runs, read where Django hands the headers to the web server (issue 26's cookie test)."""
    from django.core.handlers.wsgi import WSGIHandler

    names: set[str] = set()
    answer = WSGIHandler.__call__

    def recording(self, environ, start_response):
        def start(status, headers, *more):
            for header, value in headers:
                if header.lower() == "set-cookie":
                    names.add(value.strip().split("=", 1)[0])
            return start_response(status, headers, *more)

        return answer(self, environ, start)

    monkeypatch.setattr(WSGIHandler, "__call__", recording)
    return names


def every_cookie_set_is_on_the_cookies_page(life: Lifecycle, cookies_set: set[str]):
    listed = {cookie.name for cookie in service_cookies()}
    # The recorder works: signing in sets the session, CSRF and device cookies.
    assert {"sessionid", "csrftoken", "nir_device"} <= cookies_set, cookies_set
    assert cookies_set <= listed, f"not on the cookies page: {cookies_set - listed}"
    life.lead.visit("/cookies")
    for name in sorted(cookies_set):
        life.lead.then_i_see(name)


def test_every_page_of_an_applications_life_shows_no_markup_as_text_and_passes_axe(
    browser, axe_source, live_server, people, definition, scanned, cookies_set
):
    walk = Walk("lifecycle")
    try:
        life = Lifecycle(
            walk=walk,
            new_person=lambda name: walk.person(browser, axe_source, live_server.url, name),
            definition=definition,
            files=scanned,
        )
        for step in STEPS:
            started = time.monotonic()
            step(life)
            print(f"{time.monotonic() - started:5.1f} s  {step.__name__}")
        every_cookie_set_is_on_the_cookies_page(life, cookies_set)
        walk.then_every_page_loaded_was_checked()
    finally:
        print(walk.heights_report())
        walk.close()
