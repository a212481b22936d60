"""The pages every NHS service has (issue 26), read as a person sees them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import UserKind
from accounts.services import user_create
from audit.models import AuditEntry
from service_pages.cookies import service_cookies
from service_pages.models import Feedback
from tests.conftest import PASSWORD
from tests.visible import words
from tests.web.conftest import signed_in

PAGES = {
    "/accessibility-statement": "Accessibility statement for Onboard to the National Imaging",
    "/privacy-notice": "Privacy notice",
    "/cookies": "Cookies",
    "/help": "Help and contact",
    "/feedback": "Give feedback on this service",
}


@pytest.fixture
def administrator(db):
    return user_create(
        email="admin@england.example", password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )


def test_every_page_is_open_to_everyone_and_linked_from_every_footer(db, member):
    for client in (Client(), signed_in(member)):
        for path, heading in PAGES.items():
            page = client.get(path)
            assert page.status_code == 200, path
            assert heading in words(page), path
        home = client.get("/").content.decode()
        for path in ("/accessibility-statement", "/privacy-notice", "/cookies", "/help"):
            assert f'href="{path}"' in home
        assert 'href="/feedback?from=/"' in home


def test_the_start_page_says_what_the_service_is_and_how_to_get_in(db, settings):
    settings.SERVICE_CONTACT_EMAIL = "onboarding@england.example"
    page = words(Client().get("/"))
    for said in (
        "Stage 2",
        "governance assurance",
        "a Data Controller (End User Organisation)",
        "a Data Processor (Supplier)",
        "Data Security and Protection Toolkit (DSPT) status and the date it was published",
        "DCB0160",
        "DCB0129",
        "data protection impact assessment (DPIA)",
        "NHS England aims to decide within 10 working days",
        "You need an invitation to use this service",
        "onboarding@england.example",
        "Sign in",
    ):
        assert said.lower() in page.lower(), said


def test_signed_in_people_are_at_home_not_on_the_start_page(member):
    page = words(signed_in(member).get("/"))
    assert "Your applications" in page
    assert "Before you start" not in page


def test_the_cookies_page_lists_each_cookie_with_its_purpose_and_expiry(db, settings):
    settings.SESSION_COOKIE_AGE = 1800
    page = words(Client().get("/cookies"))
    for cookie in service_cookies():
        assert cookie.name in page
        assert cookie.purpose in page
        assert cookie.expires in page
    assert "after 30 minutes without using the service" in page


def test_the_privacy_notice_gives_the_retention_periods_it_enforces(db, settings):
    settings.RETENTION_FEEDBACK_DAYS = 400
    settings.RETENTION_SPENT_LINKS_DAYS = 45
    page = words(Client().get("/privacy-notice"))
    assert "Feedback is deleted after 400 days" in page
    assert "deleted 45 days later" in page


def test_feedback_is_kept_anonymously_and_audited(member):
    client = signed_in(member)
    response = client.post(
        "/feedback",
        {"satisfaction": "dissatisfied", "improve": "Too many emails.", "page": "/help"},
    )
    assert response["Location"] == "/feedback/sent"
    feedback = Feedback.objects.get()
    assert (feedback.satisfaction, feedback.improve, feedback.page) == (
        "dissatisfied",
        "Too many emails.",
        "/help",
    )
    entry = AuditEntry.objects.get(action="feedback.received")
    assert entry.actor is None  # anonymous even when its writer was signed in
    assert entry.object_id == str(feedback.pk)
    assert "Thank you for your feedback" in words(client.get("/feedback/sent"))


def test_feedback_sent_twice_from_one_form_is_kept_once(db):
    """A double click, or the form sent again from the browser's history."""
    form = Client().get("/feedback").content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f-]{36})"', form)
    assert submission, "the feedback form carries no id of its own"
    sent = {"satisfaction": "satisfied", "improve": "Clear.", "submission": submission.group(1)}
    for _ in range(2):
        assert Client().post("/feedback", sent)["Location"] == "/feedback/sent"
    assert Feedback.objects.count() == 1
    assert AuditEntry.objects.filter(action="feedback.received").count() == 1
    # another form is another piece of feedback
    other = re.search(
        r'name="submission" value="([^"]+)"', Client().get("/feedback").content.decode()
    )
    assert other and other.group(1) != submission.group(1)
    Client().post("/feedback", {**sent, "submission": other.group(1)})
    assert Feedback.objects.count() == 2


def test_feedback_keeps_only_a_page_of_this_service(db):
    for given in ("https://elsewhere.example/x", "//elsewhere.example", "x" * 300, "help"):
        Client().post("/feedback", {"satisfaction": "satisfied", "page": given})
    assert set(Feedback.objects.values_list("page", flat=True)) == {""}
    page = Client().get("/feedback?from=/cookies").content.decode()
    assert 'name="page" value="/cookies"' in page


def test_feedback_errors_are_the_design_systems_and_keep_what_was_typed(db):
    typed = "Café & “quotes” <b>"
    page = Client().post("/feedback", {"improve": typed})
    assert page.status_code == 400
    shown = words(page)
    assert "There is a problem" in shown
    assert "Select how you feel about this service" in shown
    assert typed in shown
    too_long = Client().post("/feedback", {"satisfaction": "satisfied", "improve": "a" * 2001})
    assert "Your suggestion must be 2,000 characters or fewer" in words(too_long)
    assert too_long.status_code == 400
    assert "a" * 2001 in too_long.content.decode()
    assert not Feedback.objects.exists()


def test_only_administrators_read_feedback(member, reviewer, administrator):
    Client().post("/feedback", {"satisfaction": "very_satisfied", "improve": "Clear & quick."})
    page = signed_in(administrator).get("/administration/feedback")
    assert page.status_code == 200
    shown = words(page)
    assert "Very satisfied" in shown and "Clear & quick." in shown
    assert "1 piece of feedback" in shown
    assert signed_in(reviewer).get("/administration/feedback").status_code == 403
    assert signed_in(member).get("/administration/feedback").status_code == 403
    assert Client().get("/administration/feedback").status_code == 302


def test_feedback_is_paged_newest_first(administrator):
    for number in range(27):  # from 27 people: one address is held to fewer (audit.throttle)
        Client(REMOTE_ADDR=f"192.0.2.{number + 1}").post(
            "/feedback", {"satisfaction": "satisfied", "improve": f"Idea {number:02}"}
        )
    admin = signed_in(administrator)
    first = words(admin.get("/administration/feedback"))
    assert "27 pieces of feedback" in first
    assert "Idea 26" in first and "Idea 01" not in first
    assert "Idea 01" in words(admin.get("/administration/feedback?page=2"))
