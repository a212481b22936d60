"""Answer once, reuse many (issue 13, ADR 0020): starting an application from the answers of
the organisation's latest submitted one, the marks on copied answers until they are confirmed,
questions asked differently and lapsed DSPT answers left to answer again, other organisations'
applications never offered, and a supplier's product-level answers shared on request."""

import re
import shutil
from datetime import date

import pytest
from django.utils import timezone

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire import definitions
from questionnaire.engine.answers import format_date
from questionnaire.models import Answer, AnswerRevision
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.conftest import DEFINITION_PATH
from tests.visible import texts, words
from tests.web.conftest import Applicant, errors_on, signed_in
from workflow.applicant import reuse


def text_of(response):
    """The page's visible text, every run of white space one space (tests/visible.py)."""
    return words(response)


def submitted(client, pages=SUPPLIER):
    applicant = Applicant(client).start()
    applicant.answer_all(pages)
    assert applicant.submit().status_code == 302
    return applicant, Application.objects.get(pk=applicant.application_url.rsplit("/", 1)[1])


def start_from(client, source):
    """Start a new application, which asks whether to start from earlier answers, and choose
    ``source``."""
    response = client.post("/applications/start", {"scope": "consumer"})
    assert response["Location"].endswith("/start-from"), response["Location"]
    applicant = Applicant(client)
    applicant.application_url = response["Location"].removesuffix("/start-from")
    chosen = client.post(response["Location"], {"source": str(source.pk)})
    assert chosen.status_code == 302, errors_on(chosen)
    assert chosen["Location"] == applicant.stage2
    return applicant


def copied_ids(applicant):
    application_id = applicant.application_url.rsplit("/", 1)[1]
    return set(
        Answer.objects.filter(
            response__application_id=application_id, copied_from__isnull=False
        ).values_list("question_id", flat=True)
    )


@pytest.fixture
def first(client_member, fixed_today):
    return submitted(client_member)


def test_the_start_asks_and_copies_every_answer_marked_with_where_it_came_from(
    client_member, first
):
    _, source = first
    response = client_member.post("/applications/start", {"scope": "consumer"})
    offer = text_of(client_member.get(response["Location"]))
    assert "Do you want to start from the answers of an earlier application?" in offer
    assert source.reference in offer
    assert "No, start with no answers" in offer

    applicant = Applicant(client_member)
    applicant.application_url = response["Location"].removesuffix("/start-from")
    client_member.post(response["Location"], {"source": str(source.pk)})
    assert copied_ids(applicant) == {question_id for question_id, _ in SUPPLIER}
    new = Application.objects.get(pk=applicant.application_url.rsplit("/", 1)[1])
    assert (new.role, new.product_name, new.product_version) == ("supplier", "PACS One", "4.2.1")

    answered_at = Answer.objects.get(response__application=source, question_id="s_cso").answered_at
    answered_on = format_date(timezone.localdate(answered_at))
    mark = f"Copied from {source.reference}, answered on {answered_on}"
    question = text_of(applicant.client.get(applicant.question_url("s_cso")))
    assert mark in question
    # Question 6 names the CSO (ADR 0046): the copy is confirmed by recording her.
    assert "Record each person it names below to confirm it." in question
    question = text_of(applicant.client.get(applicant.question_url("s_isms")))
    assert "Confirm and continue" in question
    assert mark in text_of(applicant.client.get(applicant.stage2))
    check = text_of(applicant.client.get(f"{applicant.stage2}/check-answers"))
    assert mark in check
    assert "Copied answers to confirm" in check
    # Each copy is the applicant's answer with its revision and audit entry, and the choice too.
    assert AnswerRevision.objects.filter(response__application=new).count() == len(SUPPLIER)
    entry = AuditEntry.objects.get(action="response.reuse")
    assert entry.after["source"] == source.reference


def test_the_application_page_offers_to_start_from_earlier_answers_as_a_link(client_member, first):
    response = client_member.post("/applications/start", {"scope": "consumer"})
    page = client_member.get(response["Location"].removesuffix("/start-from"))
    assert texts(page, "nhsuk-inset-text") == [
        "Information:\nYou can start this application from the answers of an earlier one. "
        "Start from earlier answers"
    ]
    assert f'<a href="{response["Location"]}">Start from earlier answers</a>' in (
        page.content.decode()
    )


def test_copied_answers_stop_submission_until_each_is_confirmed_or_changed(client_member, first):
    _, source = first
    applicant = start_from(client_member, source)
    refused = applicant.submit()
    assert refused.status_code == 400
    assert errors_on(refused) == [
        "You cannot submit until you confirm the answers copied from an earlier application"
    ]
    assert 'href="#copied"' in refused.content.decode()

    # Saving an answer unchanged confirms it; so does changing it.
    for question_id, data in SUPPLIER[:-1]:
        assert applicant.answer(question_id, data).status_code == 302
    applicant.answer("s_pki", {"answer": "confirmed"})
    assert copied_ids(applicant) == set()
    assert AuditEntry.objects.filter(action="answer.confirm_copied").count() == len(SUPPLIER)
    assert "Copied from" not in text_of(applicant.client.get(applicant.question_url("s_cso")))
    assert applicant.submit().status_code == 302
    new = Application.objects.get(pk=applicant.application_url.rsplit("/", 1)[1])
    assert new.stage2_state == Stage2State.SUBMITTED


def test_a_changed_copied_answer_is_confirmed_and_keeps_its_new_value(client_member, first):
    _, source = first
    applicant = start_from(client_member, source)
    applicant.answer("s_cso", {"answer": "Dr Rosalind Franklin, GMC 7654321"})
    assert "s_cso" not in copied_ids(applicant)
    assert "s_isms" in copied_ids(applicant)
    answer = Answer.objects.get(
        response__application_id=applicant.application_url.rsplit("/", 1)[1], question_id="s_cso"
    )
    assert answer.copied_from is None
    assert answer.value["value"] == "Dr Rosalind Franklin, GMC 7654321"


def test_choosing_no_answers_copies_nothing(client_member, first):
    response = client_member.post("/applications/start", {"scope": "consumer"})
    chosen = client_member.post(response["Location"], {"source": "none"})
    application_url = response["Location"].removesuffix("/start-from")
    assert chosen["Location"] == application_url
    assert not Answer.objects.filter(copied_from__isnull=False).exists()
    # Once it has answers (or none chosen and some given), the offer is gone.
    applicant = Applicant(client_member)
    applicant.application_url = application_url
    applicant.answer("role", {"answer": "controller"})
    assert client_member.get(response["Location"])["Location"] == application_url


def test_no_choice_is_an_error_in_the_design_systems_words(client_member, first):
    response = client_member.post("/applications/start", {"scope": "consumer"})
    refused = client_member.post(response["Location"], {})
    assert refused.status_code == 400
    assert errors_on(refused) == [
        "Select whether to start from the answers of an earlier application"
    ]


def test_a_double_submit_copies_once(client_member, first):
    _, source = first
    response = client_member.post("/applications/start", {"scope": "consumer"})
    client_member.post(response["Location"], {"source": str(source.pk)})
    again = client_member.post(response["Location"], {"source": str(source.pk)})
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="response.reuse").count() == 1
    assert Answer.objects.filter(copied_from=source).count() == len(SUPPLIER)


def test_the_latest_submitted_application_of_each_role_is_offered_never_a_draft(
    client_member, member, first
):
    _, supplier = first
    _, controller = submitted(client_member, CONTROLLER)
    Applicant(client_member).start()  # a draft with no submission is never offered
    assert reuse.reuse_sources_for(member) == [controller, supplier]


def test_other_organisations_applications_are_never_offered_nor_taken(
    outsider, member, client_member, fixed_today
):
    _, theirs = submitted(signed_in(outsider))
    assert reuse.reuse_sources_for(member) == []
    mine = Applicant(client_member).start()
    application = Application.objects.get(pk=mine.application_url.rsplit("/", 1)[1])
    assert client_member.get(f"{mine.application_url}/start-from")["Location"] == (
        mine.application_url
    )
    with pytest.raises(reuse.ReuseRefused):
        reuse.answers_reuse(application=application, source=theirs, actor=member)
    assert not Answer.objects.filter(response__application=application).exists()


def test_lapsed_dspt_answers_are_not_copied(client_member, first, monkeypatch):
    _, source = first
    # The publication of 15 September 2026 is current until 30 June 2028.
    monkeypatch.setattr(definitions, "today", lambda: date(2028, 7, 15))
    applicant = start_from(client_member, source)
    copied = copied_ids(applicant)
    assert "s_dspt_status" not in copied
    assert "s_dspt_published" not in copied
    assert "s_isms" in copied
    page = text_of(applicant.client.get(applicant.question_url("s_dspt_status")))
    assert f"Not copied from {source.reference}: the DSPT publication is no longer current" in page
    assert "Answer again" in text_of(applicant.client.get(applicant.stage2))


def test_current_dspt_answers_are_copied(client_member, first):
    _, source = first
    applicant = start_from(client_member, source)
    assert {"s_dspt_status", "s_dspt_published"} <= copied_ids(applicant)


@pytest.fixture
def second_version(settings, tmp_path):
    """A questionnaire version 2 in which question 6's wording and question 2's options changed;
    every other question is asked as in version 1."""
    shutil.copy(DEFINITION_PATH, tmp_path / "stage2-v1.yaml")
    text = DEFINITION_PATH.read_text()
    text = text.replace("\nversion: 1\n", "\nversion: 2\n", 1)
    old = "text: Provide the name and professional registration of your Clinical Safety Officer"
    assert old in text
    text = text.replace(old, f"{old} and their deputy", 1)
    (tmp_path / "stage2-v2.yaml").write_text(text)

    def switch():
        settings.QUESTIONNAIRE_DIR = tmp_path
        settings.QUESTIONNAIRE_CURRENT = "stage2-v2.yaml"
        definitions.cache_clear()

    yield switch
    definitions.cache_clear()


def test_a_question_whose_wording_changed_is_not_copied_but_asked_again(
    client_member, settings, tmp_path, second_version, fixed_today
):
    settings.QUESTIONNAIRE_DIR = tmp_path
    shutil.copy(DEFINITION_PATH, tmp_path / "stage2-v1.yaml")
    definitions.cache_clear()
    _, source = submitted(client_member)
    second_version()
    applicant = start_from(client_member, source)
    copied = copied_ids(applicant)
    assert "s_cso" not in copied
    assert "s_isms" in copied
    page = text_of(applicant.client.get(applicant.question_url("s_cso")))
    assert "The question has changed, answer again" in page
    assert "and their deputy" in page
    assert "The question has changed, answer again" in text_of(
        applicant.client.get(applicant.stage2)
    )
    assert AuditEntry.objects.get(action="response.reuse").after["not_copied"] == {
        "s_cso": "changed"
    }


def test_asked_as_tells_a_changed_option_from_a_changed_number(definition):
    question = definition.question("s_isms")
    renumbered = question.model_copy(update={"number": "99", "title": "Another title"})
    assert renumbered.asked_as() == question.asked_as()
    relabelled = question.model_copy(
        update={
            "options": [
                question.options[0].model_copy(update={"label": "Yes, certified"}),
                *question.options[1:],
            ]
        }
    )
    assert relabelled.asked_as() != question.asked_as()


# --- Product-level answers shared across a supplier's applications.


def supplier_draft(client):
    applicant = Applicant(client).start()
    if applicant.application_url.endswith("/start-from"):
        applicant.application_url = applicant.application_url.removesuffix("/start-from")
    applicant.answer_all(SUPPLIER)
    return applicant


def pki_of(applicant):
    return Answer.objects.get(
        response__application_id=applicant.application_url.rsplit("/", 1)[1], question_id="s_pki"
    ).value["value"]


def test_changing_a_product_answer_asks_before_changing_the_others(client_member, fixed_today):
    one, two, three = (supplier_draft(client_member) for _ in range(3))
    other_product = supplier_draft(client_member)
    other_product.answer(
        "role", {"answer": "supplier", "product_name": "PACS One", "product_version": "5.0"}
    )
    response = one.answer("s_pki", {"answer": "not_confirmed"})
    share_url = f"{one.question_url('s_pki')}/share"
    assert response["Location"] == share_url
    page = text_of(client_member.get(share_url))
    assert "Change this answer in 2 other applications?" in page
    two_ref = Application.objects.get(pk=two.application_url.rsplit("/", 1)[1]).reference
    assert two_ref in page
    assert pki_of(two) == "confirmed"  # nothing changes before the applicant says so

    refused = client_member.post(share_url, {})
    assert errors_on(refused) == ["Select whether to change this answer in your other applications"]
    done = client_member.post(share_url, {"share": "yes"})
    assert done.status_code == 302
    assert pki_of(two) == pki_of(three) == "not_confirmed"
    assert pki_of(other_product) == "confirmed"
    assert AuditEntry.objects.filter(action="answer.share").count() == 2
    # Nothing left to share: the page moves on.
    assert client_member.get(share_url).status_code == 302


def test_answering_no_changes_only_this_application(client_member, fixed_today):
    one, _ = supplier_draft(client_member), supplier_draft(client_member)
    response = one.answer("s_dcb0129", {"answer": "not_confirmed"}, query="?return=check-answers")
    assert response["Location"] == f"{one.question_url('s_dcb0129')}/share?return=check-answers"
    done = client_member.post(response["Location"], {"share": "no"})
    assert done["Location"] == f"{one.stage2}/check-answers"
    assert Answer.objects.filter(question_id="s_dcb0129", value__value="confirmed").count() == 1
    assert not AuditEntry.objects.filter(action="answer.share").exists()


def test_a_submitted_application_of_the_product_is_not_changed(client_member, fixed_today):
    draft = supplier_draft(client_member)
    sent = supplier_draft(client_member)
    assert sent.submit().status_code == 302
    response = draft.answer("s_pki", {"answer": "not_confirmed"})
    assert response["Location"] == f"{draft.stage2}/check-answers"
    assert pki_of(sent) == "confirmed"


def test_a_non_product_question_never_asks(client_member, fixed_today):
    one, _ = supplier_draft(client_member), supplier_draft(client_member)
    response = one.answer("s_cso", {"answer": "Someone else, GMC 1"})
    assert "/share" not in response["Location"]
    assert re.search(r"/questions/s_medical_device$", response["Location"])


def test_a_copied_answer_naming_the_cso_is_confirmed_by_recording_her(client_member, first):
    """Question 6 names the CSO (ADR 0046): its page shows where a copied answer came from, and
    recording her there confirms it, as the answer that names her."""
    _, source = first
    applicant = start_from(client_member, source)
    url = applicant.question_url("s_cso")
    page = text_of(applicant.client.get(url))
    assert f"Copied from {source.reference}" in page
    assert "Your answer so far: Dr Ada Lovelace, GMC 1234567" in page
    person = {
        "action": "add",
        "full_name": "Dr Ada Lovelace",
        "job_title": "Clinical Safety Officer",
        "email": "ada.lovelace@southern.example",
        "professional_body": "General Medical Council",
        "registration_number": "1234567",
    }
    assert applicant.client.post(url, person).status_code == 302
    assert "s_cso" not in copied_ids(applicant)
    assert "Copied from" not in text_of(applicant.client.get(url))
