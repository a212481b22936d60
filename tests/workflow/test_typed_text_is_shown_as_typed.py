"""Text a person typed reads back exactly as typed, on every page that shows it (issue 23, item 4).

Each test types text with `<`, `&`, quotes, an entity-shaped word and a new line, and reads it
back from the page as a browser shows it (tests/visible.py): not in the page's source, where
`&lt;span class="app-pre-wrap"&gt;…` would contain it, and not stripped and unescaped, which
turns markup shown as text back into something a substring check accepts.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application
from attestations.models import Attestation
from tests.answer_sets import SUPPLIER
from tests.conftest import PASSWORD
from tests.visible import row, texts
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer
from workflow.models import DocumentRequest


def typed(what: str) -> str:
    """What a person might type: markup-shaped, an ampersand, an entity, quotes, a new line."""
    return f'{what}: R&D\'s "draft" <b>v2</b> & &amp; 1 < 2\nSecond line <span class="x">'


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


def test_the_reviewer_reads_their_comment_and_the_old_and_new_answer_in_the_diff(
    applicant, submitted, reviewer
):
    before = typed("Dr Ada Lovelace")
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    assert desk.post("/request-changes", {"comment-s_cso": typed("Give")}).status_code == 302
    # The answer that was there, now with typed text, so that Before reads it back too.
    assert applicant.answer("s_cso", {"answer": before}).status_code == 302
    assert applicant.submit().status_code == 302
    desk.post("/start")
    assert desk.post("/request-changes", {"comment-s_cso": typed("Comment")}).status_code == 302
    after = typed("Dr Ada Lovelace, UKCSO 42")
    assert applicant.answer("s_cso", {"answer": after}).status_code == 302
    assert applicant.submit().status_code == 302

    # Shown in the changed answer's row: the answer now, what it was, and the comment.
    page = desk.page("answers")
    assert texts(page, "app-change-comment") == [typed("Comment")]
    assert texts(page, "app-change-before") == [before]
    assert texts(page, "app-change-now") == [after]


def test_check_answers_shows_each_typed_answer_as_typed(applicant):
    answer = typed("Dr Ada Lovelace")
    applicant.answer_all(SUPPLIER)
    assert applicant.answer("s_cso", {"answer": answer}).status_code == 302
    page = applicant.client.get(f"{applicant.stage2}/check-answers")
    assert row(page, "6. Clinical Safety Officer") == answer


def test_the_applicant_reads_what_nhs_england_asked_for_and_nhs_england_the_answer(
    applicant, submitted, reviewer
):
    desk = signed_in(reviewer)
    form = desk.get(f"/review/applications/{submitted.pk}/documents/new").content.decode()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    asked = typed("The latest CSCR")
    made = desk.post(
        f"/review/applications/{submitted.pk}/documents/new",
        {
            "version": version,
            "title": "Clinical Safety Case Report",
            "note": asked,
            "due-day": "10",
            "due-month": "12",
            "due-year": "2026",
        },
    )
    assert made.status_code == 302
    document = DocumentRequest.objects.get()
    theirs = f"{applicant.application_url}/documents/{document.pk}"
    ours = f"/review/applications/{submitted.pk}/documents/{document.pk}"
    assert row(applicant.client.get(theirs), "What NHS England needs") == asked

    from tests.evidence.files import PDF

    answer = typed("Sent on 9 December")
    shown = applicant.client.get(theirs).content.decode()
    version = re.search(r'name="version" value="(\d+)"', shown).group(1)
    sent = applicant.client.post(
        theirs,
        {"evidence": SimpleUploadedFile("cscr.pdf", PDF), "note": answer, "version": version},
    )
    assert sent.status_code == 302
    applicants_page = applicant.client.get(theirs)
    assert row(applicants_page, "What NHS England needs") == asked
    assert row(applicants_page, "Your answer") == answer
    reviewers_page = desk.get(ours)
    assert row(reviewers_page, "What you asked for") == asked
    assert row(reviewers_page, "The organisation's note") == answer


def test_the_lift_hold_page_shows_the_holds_reason_as_typed(submitted, reviewer):
    reason = typed("Your DSPT is under investigation")
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    assert desk.post("/holds/new", {"reason": reason}).status_code == 302
    hold = submitted.holds.get()
    page = desk.client.get(f"{desk.url}/holds/{hold.pk}/lift")
    assert page.status_code == 200
    # The inset text's own prefix, for screen readers, is part of what is read.
    assert texts(page, "nhsuk-inset-text") == [f"Information:\nThe hold: {reason}"]
    refused = desk.post(f"/holds/{hold.pk}/lift", {"reason": ""})
    assert refused.status_code == 400
    assert texts(refused, "nhsuk-inset-text") == [f"Information:\nThe hold: {reason}"]


def test_the_attestation_page_shows_the_question_and_the_decline_reason_as_typed(applicant, member):
    from accounts.models import User
    from tests.attestations.support import CSO, add_person, ask

    applicant.answer_all(SUPPLIER)
    assert add_person(applicant, CSO).status_code == 302
    person = applicant.client.get(f"{applicant.application_url}/key-personnel")
    assert person.status_code == 200
    from attestations.models import KeyPerson

    assert ask(applicant, KeyPerson.objects.get()).status_code == 302
    attestation = Attestation.objects.get()
    ada = signed_in(User.objects.create_user("ada.lovelace@northern.example", PASSWORD))
    respond = f"/attestations/requests/{attestation.request_id}"
    page = ada.get(respond)
    assert row(page, "Question") == attestation.question_wording
    assert row(page, "Answer") == "Yes, I confirm"

    reason = typed("The hazard log has not been reviewed")
    pk = attestation.pk
    declined = ada.post(respond, {f"response-{pk}": "decline", f"reason-{pk}": reason})
    assert declined.status_code == 302
    page = ada.get(respond)
    assert texts(page, "nhsuk-inset-text")[1] == f"Information: {reason}"
    assert row(page, "Question") == attestation.question_wording


def test_asking_for_an_attestation_with_no_one_in_the_role_says_whom_to_add(applicant):
    applicant.answer_all(SUPPLIER)
    page = applicant.client.get(f"{applicant.application_url}/attestations/s_dcb0129_confirmed")
    assert texts(page, "nhsuk-inset-text") == [
        "Information:\nOnly the Clinical Safety Officer can attest this answer, and you have not "
        "recorded anyone in that role.\nAdd them to your key personnel"
    ]


def test_a_comment_that_looks_like_a_link_is_shown_as_typed_not_made_a_link(
    applicant, submitted, reviewer
):
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    desk.post("/request-changes", {"comment-s_cso": '<a href="/x">here</a>'})
    applicant.answer("s_cso", {"answer": "Dr Ada Lovelace, GMC 1234567, UKCSO 42"})
    applicant.submit()
    page = desk.page("answers")
    assert texts(page, "app-change-comment") == ['<a href="/x">here</a>']
    assert 'href="/x"' not in page.content.decode()


def test_the_timeline_names_each_question_asked_about_in_words_not_its_id(
    applicant, submitted, reviewer
):
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    comment = typed("Give")
    desk.post(
        "/request-changes",
        {"comment-s_cso": comment, "comment-s_medical_device": "Confirm the class."},
    )
    decisions = desk.client.get(f"{desk.url}/timeline?kind=decisions")
    entries = texts(decisions, "app-timeline-entry")
    entry = next(t for t in entries if t.startswith("Asked for changes to 2 answers\n"))
    assert entry.endswith(
        f"Question 6: Clinical Safety Officer – {comment}\n"
        "Question 7: Medical device – Confirm the class."
    )
