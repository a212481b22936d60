"""Input no browser of ours would send still gets a clear page, never a server error.

Each case here was a server error once: a day too big for a date, a form body declared in another
character set, and a NUL byte (which PostgreSQL refuses in text and JSON)."""

import html
import unicodedata

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.web.conftest import errors_on

BAD_REQUEST_HEADING = "Sorry, we could not read what you sent"


def csrf_client(user=None, page="/sign-in") -> Client:
    """A client whose CSRF check is on, as a browser's is, with a real token in its cookie."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    assert client.get(page).status_code == 200
    return client


def post_encoded(client: Client, url: str, body: str, charset: str):
    """POST a form body encoded in ``charset``, saying so in its Content-Type."""
    return client.generic(
        "POST",
        url,
        body.encode(charset),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )


def token(client: Client) -> str:
    return client.cookies[django_settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize(
    ("question_id", "pages"), [("s_dspt_published", SUPPLIER), ("c_dspt_published", CONTROLLER)]
)
@pytest.mark.parametrize(
    "parts",
    [
        {"answer-day": "99999999999999999999", "answer-month": "1", "answer-year": "2026"},
        {"answer-day": "1", "answer-month": "2147483648", "answer-year": "2026"},
    ],
)
def test_a_huge_number_in_a_date_is_not_a_real_date(applicant, question_id, pages, parts):
    applicant.answer_all(pages[: [q for q, _ in pages].index(question_id)])
    response = applicant.answer(question_id, parts)
    assert response.status_code == 400
    assert [html.unescape(e) for e in errors_on(response)] == [
        "The date your organisation's DSPT status was published must be a real date"
    ]


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "iso-8859-15"])
def test_a_form_sent_in_another_character_set_gets_the_bad_request_page(db, charset):
    client = csrf_client()
    body = f"csrfmiddlewaretoken={token(client)}&email=caf\xe9@example.com&password=x"
    response = post_encoded(client, "/sign-in", body, charset)
    assert response.status_code == 400
    assert BAD_REQUEST_HEADING in response.content.decode()


def test_a_question_page_sent_in_another_character_set_gets_the_bad_request_page(applicant, member):
    url = applicant.question_url("role")
    client = csrf_client(member, url)
    body = f"csrfmiddlewaretoken={token(client)}&version=0&answer=controller"
    response = post_encoded(client, url, body, "utf-16")
    assert response.status_code == 400
    assert BAD_REQUEST_HEADING in response.content.decode()
    assert not Answer.objects.exists()


def test_control_characters_are_taken_out_of_free_text(applicant):
    applicant.answer_all(CONTROLLER[:7])
    response = applicant.answer("c_csos", {"answer": "Dr\x00 Grace\x1b Hopper\x85\r\nDr\tMary"})
    assert response.status_code == 302
    assert Answer.objects.get(question_id="c_csos").value == {"value": "Dr Grace Hopper\nDr\tMary"}


def test_control_characters_are_taken_out_of_follow_ups(applicant, member):
    response = applicant.answer(
        "role",
        {"answer": "supplier", "product_name": "PACS\x00 One", "product_version": "4.2\x07.1"},
    )
    assert response.status_code == 302
    assert Answer.objects.get(question_id="role").value == {
        "value": "supplier",
        "product_name": "PACS One",
        "product_version": "4.2.1",
    }
    assert member.membership.organisation.applications.get().product_name == "PACS One"


def test_a_nul_byte_in_the_email_address_is_a_wrong_email_address(db):
    client = Client(raise_request_exception=False)
    response = client.post("/sign-in", {"email": "a\x00b@example.com", "password": "x"})
    assert response.status_code == 400
    assert errors_on(response) == ["Enter the correct email address and password"]
    failure = AuditEntry.objects.get(action="user.sign_in_failed")
    assert failure.after == {"email": "ab@example.com", "client": "127.0.0.1"}


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("before\x00after", "beforeafter"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("windows\r\nline", "windows\nline"),
        ("old mac\rline", "old mac\nline"),
        ("escape\x1b[31m red", "escape[31m red"),
        ("del\x7f and next line\x85 and nbsp\xa0", "del and next line and nbsp\xa0"),
        ("zero\u200bwidth and caf\xe9", "zero\u200bwidth and caf\xe9"),
    ],
)
def test_clean_text_keeps_what_people_type(sent, kept):
    from core.text import clean_text

    assert clean_text(sent) == kept


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_clean_text_leaves_no_control_character_but_tab_and_line_feed(text):
    from core.text import clean_text

    cleaned = clean_text(text)
    assert all(c in "\t\n" or unicodedata.category(c) != "Cc" for c in cleaned)
    assert clean_text(cleaned) == cleaned


def test_the_query_string_is_cleaned_too(client_member):
    response = client_member.get("/applications/start", {"next": "a\x00b"})
    assert response.wsgi_request.GET["next"] == "ab"
