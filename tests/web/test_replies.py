"""The organisation replies to NHS England (issue 25, item 5; ADR 0037) on a hold, a comment for
the applicant, a change request and a document request: the reply is shown under what it
answers on the organisation's pages, to the reviewer on the section page and the overview and
timeline, and the reviewer is emailed."""

import re

import pytest
from django.core import mail

from tests.web.conftest import errors_on, signed_in
from tests.web.test_application_page import text_of
from tests.workflow.replies_support import (
    CHANGE_COMMENT,
    COMMENT,
    DOCUMENT_TITLE,
    HOLD_REASON,
    reply_url,
    reviewer_said_everything,
)
from workflow.models import Reply

SECTIONS = {
    "hold": "holds",
    "comment": "comments",
    "change_request": "answers",
    "document_request": "evidence",
}
SAID = {
    "hold": HOLD_REASON,
    "comment": COMMENT,
    "change_request": CHANGE_COMMENT,
    "document_request": "The latest signed version",
}


@pytest.fixture
def said(applicant, reviewer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return reviewer_said_everything(applicant, reviewer)


def words_for(to):
    return f"Our reply about the {to.replace('_', ' ')}: see the new publication dated 1 December."


def textarea(page):
    found = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.content.decode(), re.S)
    return found.group(1).strip() if found else None


def test_a_reply_to_each_kind_is_shown_to_both_sides_and_emailed_to_the_reviewer(
    applicant, said, reviewer, django_capture_on_commit_callbacks
):
    client = applicant.client
    desk = signed_in(reviewer)
    review = f"/review/applications/{said.application.pk}"
    for to in SECTIONS:
        url = reply_url(said, to)
        form = client.get(url)
        assert form.status_code == 200
        shown = text_of(form.content.decode())
        assert "Reply to NHS England" in shown and SAID[to] in shown
        assert "You can enter up to 2000 characters" in shown  # the character count

        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(url, {"text": words_for(to)})
        assert sent.status_code == 302
        under = text_of(client.get(sent["Location"]).content.decode())
        assert "Your reply has been sent to NHS England" in under
        assert SAID[to] in under and words_for(to) in under, to

        section = text_of(desk.get(f"{review}/{SECTIONS[to]}").content.decode())
        assert "Replies from the organisation" in section
        assert f"Reply from {applicant_email(said)}" in section
        assert words_for(to) in section, to

    assert Reply.objects.count() == 4
    # The reviewer's own page of the document request shows its replies too.
    document_page = text_of(desk.get(f"{review}/documents/{said.document.pk}").content.decode())
    assert words_for("document_request") in document_page
    assert words_for("hold") not in document_page
    overview = text_of(desk.get(review).content.decode())
    for about in (
        "A change request for question 6: Clinical Safety Officer",
        f"The document request: {DOCUMENT_TITLE}",
        "A hold raised on",
        "A comment from NHS England on",
    ):
        assert f"Reply from the organisation: {about}" in overview
    timeline = text_of(desk.get(f"{review}/timeline?kind=replies").content.decode())
    assert "Reply about the document request: Clinical Safety Case Report" in timeline
    assert "Reply about a change request for question 6: Clinical Safety Officer" in timeline
    assert "Reply about a hold raised on" in timeline
    assert "Reply about a comment from NHS England on" in timeline
    for to in SECTIONS:
        assert words_for(to) in timeline, to

    emails = [m for m in mail.outbox if "has replied about" in m.subject]
    assert len(emails) == 4
    assert {tuple(m.to) for m in emails} == {(reviewer.email,)}
    assert all(said.application.reference in m.subject for m in emails)
    assert any(
        f"/review/applications/{said.application.pk}/holds#replies" in m.body for m in emails
    )
    # The email names what was replied to, never the reply's words.
    assert not any(words_for(to) in m.body for m in emails for to in SECTIONS)


def applicant_email(said):
    return said.application.organisation.memberships.get().user.email


def test_a_reply_of_2001_characters_gets_the_design_systems_error_and_keeps_the_text(
    applicant, said
):
    typed = "a" * 1991 + "\nline two!"  # 2,001 characters
    assert len(typed) == 2001
    page = applicant.client.post(reply_url(said, "hold"), {"text": typed})
    assert page.status_code == 400
    assert errors_on(page) == ["Reply must be 2,000 characters or fewer"]
    html = page.content.decode()
    assert "<title>Error: Reply to NHS England" in html
    assert 'class="nhsuk-error-message"' in html
    assert "nhsuk-textarea--error" in html
    assert textarea(page).replace("\r\n", "\n") == typed
    assert not Reply.objects.exists()


def test_an_empty_reply_is_asked_for(applicant, said):
    page = applicant.client.post(reply_url(said, "comment"), {"text": "   "})
    assert page.status_code == 400
    assert errors_on(page) == ["Enter your reply"]
    assert not Reply.objects.exists()


def test_a_double_submitted_reply_is_stored_once(applicant, said):
    url = reply_url(said, "document_request")
    for _ in range(2):
        assert applicant.client.post(url, {"text": words_for("document")}).status_code == 302
    assert Reply.objects.count() == 1
    page = text_of(
        applicant.client.get(
            f"{applicant.application_url}/documents/{said.document.pk}"
        ).content.decode()
    )
    assert page.count(words_for("document")) == 1


def test_another_organisation_and_nhs_england_cannot_read_or_post_a_reply(said, outsider, reviewer):
    for user in (outsider, reviewer):
        client = signed_in(user)
        for to in SECTIONS:
            url = reply_url(said, to)
            assert client.get(url).status_code == 404, (user, to)
            assert client.post(url, {"text": "Let me in"}).status_code == 404, (user, to)
    assert not Reply.objects.exists()


def test_an_internal_comment_cannot_be_replied_to(applicant, said):
    url = reply_url(said, "comment", said.internal)
    assert applicant.client.get(url).status_code == 404
    assert applicant.client.post(url, {"text": "Hello"}).status_code == 404
    assert not Reply.objects.exists()
