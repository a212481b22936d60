"""Reviewers' comments are internal (NHS England only) or for the applicant. The applicant sees
only the latter, and an internal comment never reaches an applicant's page, an email (the outbox
and the mail sent) or anything the service exports: the submission snapshot, the audit entry,
and the exports an applicant can download (the assurance pack, the FHIR QuestionnaireResponse
and the API)."""

import json

import pytest
from django.core import mail
from django.db import DatabaseError, transaction

from applications.models import Application
from audit.models import AuditEntry
from notifications.models import Notification
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.web.conftest import errors_on, signed_in
from tests.web.test_application_page import text_of
from tests.workflow.test_review_cycle import Reviewer
from workflow.decisions.comments import review_comment_add, review_comments_visible_to
from workflow.models import ReviewComment, Submission

INTERNAL = "Internal: their CSO looked unsure on the call"
FOR_APPLICANT = "Please name your Clinical Safety Officer in full"


@pytest.fixture
def email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attest_all(application)
    return application


def comment(desk, text, visibility):
    return desk.client.post(f"{desk.url}/comments", {"text": text, "visibility": visibility})


def applicant_pages(applicant, application):
    base = applicant.application_url
    urls = [
        base,
        f"{base}/stage-2",
        f"{base}/stage-2/check-answers",
        f"{base}/stage-2/questions/s_cso",
        f"{base}/key-personnel",
        "/",
    ]
    return {url: applicant.client.get(url, follow=True) for url in urls}


def test_the_applicant_sees_only_the_comment_meant_for_them(
    applicant, submitted, reviewer, email, django_capture_on_commit_callbacks
):
    desk = Reviewer(signed_in(reviewer), submitted)
    with django_capture_on_commit_callbacks(execute=True):
        added = comment(desk, INTERNAL, "internal")
        assert added.status_code == 302
        assert added["Location"].endswith("#comments")
        assert comment(desk, FOR_APPLICANT, "applicant").status_code == 302

    review_page = text_of(desk.page("comments").content.decode())
    assert f"reviewer@england.example Internal {INTERNAL}" in review_page
    assert f"reviewer@england.example For the applicant {FOR_APPLICANT}" in review_page

    detail = text_of(applicant.client.get(applicant.application_url).content.decode())
    assert "Comments from NHS England" in detail
    assert FOR_APPLICANT in detail
    for url, page in applicant_pages(applicant, submitted).items():
        assert page.status_code == 200, url
        assert INTERNAL not in page.content.decode(), url

    # Every decision after it, with its emails: none carries the internal comment.
    with django_capture_on_commit_callbacks(execute=True):
        desk.post("/start")
        desk.post("/holds/new", {"reason": "Waiting for the DPIA"})
        hold = submitted.holds.get()
        desk.post(f"/holds/{hold.pk}/lift", {"reason": "DPIA received"})
        desk.post("/request-changes", {"comment-s_cso": "Give the full name"})
        applicant.answer("s_cso", {"answer": "Dr Ada Lovelace"})
        applicant.submit()
        desk.post("/start")
        desk.post("/approve")
    assert Application.objects.get().stage2_state == "approved"
    assert len(mail.outbox) >= 5
    for message in mail.outbox:
        assert INTERNAL not in message.subject + message.body
        assert FOR_APPLICANT not in message.subject + message.body
    for notification in Notification.objects.all():
        assert INTERNAL not in json.dumps(notification.personalisation)
    for submission in Submission.objects.all():
        assert INTERNAL not in json.dumps(submission.snapshot)
    for url, page in applicant_pages(applicant, submitted).items():
        assert INTERNAL not in page.content.decode(), url


def test_each_comment_is_audited_without_its_words(submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    comment(desk, INTERNAL, "internal")
    saved = ReviewComment.objects.get()
    assert (saved.author, saved.visibility, saved.text) == (reviewer, "internal", INTERNAL)
    entry = AuditEntry.objects.get(action="review_comment.add")
    assert entry.object_id == str(saved.pk)
    assert entry.actor_id == reviewer.pk
    assert entry.after == {"application": str(submitted.pk), "visibility": "internal"}
    assert INTERNAL not in json.dumps([entry.before, entry.after, entry.subject])


@pytest.mark.parametrize(
    ("text", "visibility", "expected"),
    [
        ("", "internal", ["Enter a comment"]),
        ("   ", "applicant", ["Enter a comment"]),
        ("A note", "", ["Select who can see the comment"]),
        ("A note", "everyone", ["Select who can see the comment"]),
        ("x" * 2001, "internal", ["Comment must be 2,000 characters or fewer"]),
        ("", "", ["Enter a comment", "Select who can see the comment"]),
    ],
)
def test_a_comment_that_cannot_be_added_is_shown_again_with_why(
    submitted, reviewer, text, visibility, expected
):
    desk = Reviewer(signed_in(reviewer), submitted)
    page = comment(desk, text, visibility)
    assert page.status_code == 400
    assert errors_on(page) == expected
    html = page.content.decode()
    assert 'href="#comment-text"' in html or "Enter a comment" not in expected
    if text.strip():
        assert text[:100] in html  # what was typed is not lost
    assert not ReviewComment.objects.exists()


def test_a_comment_of_2000_characters_is_added(submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    assert comment(desk, "x" * 2000, "applicant").status_code == 302
    assert ReviewComment.objects.get().text == "x" * 2000


def test_only_nhs_england_comments_and_outsiders_read_nothing(
    submitted, reviewer, member, outsider
):
    with pytest.raises(PermissionError):
        review_comment_add(application=submitted, actor=member, text="Hi", visibility="applicant")
    review_comment_add(application=submitted, actor=reviewer, text=INTERNAL, visibility="internal")
    review_comment_add(
        application=submitted, actor=reviewer, text=FOR_APPLICANT, visibility="applicant"
    )
    assert [c.text for c in review_comments_visible_to(user=reviewer, application=submitted)] == [
        INTERNAL,
        FOR_APPLICANT,
    ]
    assert [c.text for c in review_comments_visible_to(user=member, application=submitted)] == [
        FOR_APPLICANT
    ]
    assert review_comments_visible_to(user=outsider, application=submitted) == []


def test_comments_are_append_only_in_the_database(submitted, reviewer):
    review_comment_add(application=submitted, actor=reviewer, text=INTERNAL, visibility="internal")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewComment.objects.update(visibility="applicant")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewComment.objects.all().delete()
    assert ReviewComment.objects.get().visibility == "internal"


def test_a_double_submit_adds_one_comment(submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    assert comment(desk, FOR_APPLICANT, "applicant").status_code == 302
    assert comment(desk, FOR_APPLICANT, "applicant").status_code == 302
    assert ReviewComment.objects.count() == 1
    assert AuditEntry.objects.filter(action="review_comment.add").count() == 1
    # The same words again after another comment, or for other people, are a new comment.
    comment(desk, INTERNAL, "internal")
    comment(desk, FOR_APPLICANT, "applicant")
    comment(desk, FOR_APPLICANT, "internal")
    assert ReviewComment.objects.count() == 4


def test_an_internal_comment_is_in_none_of_the_exports_an_applicant_can_download(
    applicant, submitted, reviewer, member, settings
):
    """The assurance pack (PDF, JSON, audit entries), the FHIR QuestionnaireResponse and the
    API's application, as the applicant's organisation gets each, never hold an internal
    comment's words; the comment meant for them is shown on their page, not exported."""
    import base64
    import io
    import zipfile

    import pypdfium2
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.test import Client

    from tests.api_tokens import token_made

    settings.ASSURANCE_SIGNING_KEY = base64.b64encode(
        Ed25519PrivateKey.generate().private_bytes_raw()
    ).decode()
    desk = Reviewer(signed_in(reviewer), submitted)
    assert desk.post("/start").status_code == 302
    assert comment(desk, INTERNAL, "internal").status_code == 302
    assert desk.post("/approve").status_code == 302

    pack = applicant.client.get(f"/applications/{submitted.pk}/assurance-pack.zip")
    assert pack.status_code == 200
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(pack.streaming_content) if pack.streaming else pack.content)
    )
    exported = {name: archive.read(name) for name in archive.namelist()}
    assert {"summary.pdf", "application.json", "audit.json"} <= set(exported)
    pdf_text = " ".join(
        page.get_textpage().get_text_bounded()
        for page in pypdfium2.PdfDocument(exported["summary.pdf"])
    )
    assert (
        "Northern Imaging Trust" in pdf_text
    )  # the text is readable, so its absence means something
    fhir = applicant.client.get(
        f"/applications/{submitted.pk}/stage-2/questionnaire-response.fhir.json"
    )
    assert fhir.status_code == 200
    secret = token_made(user=member, name="check", days=7).secret
    api = Client().get(
        f"/api/v1/applications/{submitted.pk}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status_code == 200
    texts = {
        "summary.pdf": pdf_text,
        **{
            name: data.decode("utf-8", "replace")
            for name, data in exported.items()
            if name != "summary.pdf"
        },
        "fhir": fhir.content.decode(),
        "api": api.content.decode(),
    }
    for where, text in texts.items():
        assert INTERNAL not in text, where
        assert "their CSO looked unsure" not in text, where
