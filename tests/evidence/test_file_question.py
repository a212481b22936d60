"""Question 15's page has one primary action (issue 25, item 2; ADR 0035): Continue uploads the
file chosen and goes on, or goes on without one when the question may be left for now, or says
"Select a file" when a file is needed. Every other way out in the form (the back link, Back to
all questions) sends a chosen file too, so a file chosen is never lost without a word, with no
JavaScript needed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import EvidenceFile
from questionnaire import views
from tests.answer_sets import CONTROLLER
from tests.evidence.files import PDF
from tests.visible import parse, rendered, words

BEFORE = "c_service_sops"  # question 14
AFTER = "c_data_validation"  # question 16


def send(client, url, *, then=None, data=PDF, name="signed-aup.pdf", **headers):
    fields = {} if then is None else {"then": then}
    if data is not None:
        fields["evidence"] = SimpleUploadedFile(name, data)
    return client.post(url, fields, headers=headers)


def uploaded_names():
    return [file.download_name for file in EvidenceFile.objects.order_by("revision")]


@pytest.fixture
def at_the_aup(applicant):
    applicant.answer_all(CONTROLLER[: [q for q, _ in CONTROLLER].index("c_aup")])
    applicant.url = applicant.question_url("c_aup")
    return applicant


@pytest.fixture
def required(monkeypatch):
    """Question 15 as a question that needs its file (the schema's `required`)."""
    real = views.response_definition

    def with_the_file_required(response):
        definition = real(response)
        questions = [
            q.model_copy(update={"required": True}) if q.id == "c_aup" else q
            for q in definition.questions
        ]
        return definition.model_copy(update={"questions": questions})

    monkeypatch.setattr(views, "response_definition", with_the_file_required)


def buttons(page):
    return [
        (rendered(e), e.attrs.get("value"), e.attrs.get("form"))
        for e in parse(page).iter()
        if e.tag == "button" and e.attrs.get("type", "submit") == "submit"
    ]


def test_the_page_has_one_primary_button_and_every_way_out_is_a_button_of_its_form(at_the_aup):
    page = at_the_aup.client.get(at_the_aup.url)
    (main,) = [e for e in parse(page).iter() if e.tag == "main"]
    primary = [
        e
        for e in main.iter()
        if "nhsuk-button" in e.classes and "nhsuk-button--secondary" not in e.classes
    ]
    assert [rendered(e) for e in primary] == ["Continue"]
    assert ("Back", "back", "file-question") in buttons(page)
    assert ("Continue", "continue", None) in buttons(page)
    assert ("Back to all questions", "all-questions", None) in buttons(page)
    assert 'id="file-question"' in page.content.decode()
    assert "Upload file" not in words(page)
    # The warning app.js shows for links that cannot carry the file is hidden without it.
    assert "Your file has not been uploaded" not in words(page)


def test_continue_with_a_file_chosen_uploads_it_and_goes_on(at_the_aup):
    sent = send(at_the_aup.client, at_the_aup.url, then="continue")
    assert sent.status_code == 302
    assert sent["Location"] == at_the_aup.question_url(AFTER)
    assert uploaded_names() == ["signed-aup.pdf"]
    following = at_the_aup.client.get(sent["Location"])
    assert "signed-aup.pdf has been uploaded" in words(following)
    # Back on the question, the file is listed.
    page = words(at_the_aup.client.get(at_the_aup.url))
    assert "Your file" in page and "signed-aup.pdf" in page and "Replace the file" in page


def test_a_file_sent_without_a_button_named_is_taken_as_continue(at_the_aup):
    sent = send(at_the_aup.client, at_the_aup.url)
    assert sent["Location"] == at_the_aup.question_url(AFTER)
    assert uploaded_names() == ["signed-aup.pdf"]


def test_continue_with_no_file_goes_on_when_the_question_may_be_left_for_now(at_the_aup):
    sent = send(at_the_aup.client, at_the_aup.url, then="continue", data=None)
    assert sent.status_code == 302
    assert sent["Location"] == at_the_aup.question_url(AFTER)
    assert uploaded_names() == []
    following = at_the_aup.client.get(sent["Location"])
    assert "has been uploaded" not in words(following)


def test_continue_with_no_file_says_select_a_file_when_the_file_is_needed(at_the_aup, required):
    page = at_the_aup.client.get(at_the_aup.url)
    assert "You can submit stage 2 without this file" not in words(page)
    refused = send(at_the_aup.client, at_the_aup.url, then="continue", data=None)
    assert refused.status_code == 400
    text = words(refused)
    assert "There is a problem" in text
    assert text.count("Select a file") == 2  # the error summary and the field's message
    assert "<title>Error: " in refused.content.decode()
    assert 'href="#evidence"' in refused.content.decode()
    # Going back is not answering: the file can be sent later.
    back = send(at_the_aup.client, at_the_aup.url, then="back", data=None)
    assert back["Location"] == at_the_aup.question_url(BEFORE)
    # Once a file is sent, Continue goes on without another.
    send(at_the_aup.client, at_the_aup.url, then="continue")
    again = send(at_the_aup.client, at_the_aup.url, then="continue", data=None)
    assert again["Location"] == at_the_aup.question_url(AFTER)


@pytest.mark.parametrize(
    ("then", "lands_on"),
    [("back", lambda a: a.question_url(BEFORE)), ("all-questions", lambda a: a.stage2)],
)
def test_every_other_way_out_sends_a_chosen_file(at_the_aup, then, lands_on):
    sent = send(at_the_aup.client, at_the_aup.url, then=then)
    assert sent.status_code == 302
    assert sent["Location"] == lands_on(at_the_aup)
    assert uploaded_names() == ["signed-aup.pdf"]
    assert "signed-aup.pdf has been uploaded" in words(at_the_aup.client.get(sent["Location"]))


@pytest.mark.parametrize(
    ("then", "lands_on"),
    [("back", lambda a: a.question_url(BEFORE)), ("all-questions", lambda a: a.stage2)],
)
def test_a_way_out_with_no_file_chosen_just_goes(at_the_aup, then, lands_on):
    sent = send(at_the_aup.client, at_the_aup.url, then=then, data=None)
    assert sent["Location"] == lands_on(at_the_aup)
    assert uploaded_names() == []


def test_a_file_refused_on_the_way_out_keeps_the_person_on_the_page(at_the_aup):
    refused = send(at_the_aup.client, at_the_aup.url, then="back", data=b"", name="empty.pdf")
    assert refused.status_code == 400
    assert "The selected file is empty" in words(refused)
    assert uploaded_names() == []


def test_coming_from_check_answers_every_way_goes_back_there(at_the_aup):
    at_the_aup.answer_all(CONTROLLER[[q for q, _ in CONTROLLER].index("c_aup") :])
    url = f"{at_the_aup.url}?return=check-answers"
    check_answers = f"{at_the_aup.stage2}/check-answers"
    page = at_the_aup.client.get(url)
    assert f'action="{url}"' in page.content.decode()
    assert send(at_the_aup.client, url, then="continue")["Location"] == check_answers
    assert send(at_the_aup.client, url, then="back", data=None)["Location"] == check_answers


def test_after_submission_continue_uploads_and_goes_to_the_answers(at_the_aup):
    at_the_aup.answer_all(CONTROLLER[[q for q, _ in CONTROLLER].index("c_aup") :])
    at_the_aup.submit()
    page = at_the_aup.client.get(at_the_aup.url)
    assert "Back to all questions" not in words(page)
    sent = send(at_the_aup.client, at_the_aup.url, then="continue")
    assert sent["Location"] == f"{at_the_aup.stage2}/check-answers"
    assert uploaded_names() == ["signed-aup.pdf"]
    assert "signed-aup.pdf has been uploaded" in words(at_the_aup.client.get(sent["Location"]))


def test_the_progress_bar_request_is_told_where_the_button_pressed_goes(at_the_aup):
    """app.js sends the pressed button's name and value with the file; the answer is a 204
    with the place to go (core/upload_progress.py), so the success banner is shown there."""
    sent = send(at_the_aup.client, at_the_aup.url, then="back", **{"X-Upload-Progress": "1"})
    assert sent.status_code == 204
    assert sent["X-Upload-Location"] == at_the_aup.question_url(BEFORE)
    landed = at_the_aup.client.get(sent["X-Upload-Location"])
    assert "signed-aup.pdf has been uploaded" in words(landed)


def test_an_unknown_way_out_is_taken_as_continue(at_the_aup):
    sent = send(at_the_aup.client, at_the_aup.url, then="https://elsewhere.example/", data=None)
    assert sent["Location"] == at_the_aup.question_url(AFTER)
