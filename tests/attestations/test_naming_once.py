"""Key people named once (ADR 0038, 0046): a question naming key personnel and the key
personnel are one record, for every question that names a person: the controller's Clinical
Safety Officers (question 8) and incident management leads (question 12), and the supplier's
Clinical Safety Officer (question 6). Recording a person on the question records them in the
key personnel; a change there changes the answer, as a new revision (history kept); removing
them takes the answer away."""

import html
import re

from applications.models import Application
from attestations.models import KeyPerson
from audit.models import AuditEntry
from questionnaire.models import AnswerRevision
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.attestations.support import CSO, errors_on, people_url
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

ADA = {key: value for key, value in CSO.items() if key != "role"}
LINE = "Dr Ada Lovelace, Clinical Safety Officer, General Medical Council 1234567"


def text_of(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def answer_of(question_id):
    return AnswerRevision.objects.filter(question_id=question_id).order_by("-revision").first()


def test_naming_the_cso_on_question_8_records_her_in_key_personnel(applicant):
    applicant.answer_all(CONTROLLER)  # question 8 answered as text, as before
    url = applicant.question_url("c_csos")
    page = text_of(applicant.client.get(url))
    assert "Provide the names of your Clinical Safety Officers" in page
    assert "Add your Clinical Safety Officer" in page
    assert "Your answer so far: Dr Grace Hopper Dr Mary Seacole" in page

    refused = applicant.client.post(url, {"action": "add"})
    assert refused.status_code == 400
    assert "Enter the person's full name" in errors_on(refused)
    assert "Enter their professional registration number" in errors_on(refused)

    saved = applicant.client.post(url, {"action": "add", **ADA})
    assert saved.status_code == 302
    assert saved["Location"].endswith("/c_dcb0160") or "check-answers" in saved["Location"]
    [ada] = KeyPerson.objects.all()
    assert (ada.role, ada.full_name, ada.email) == (
        "cso",
        "Dr Ada Lovelace",
        "ada.lovelace@northern.example",
    )
    assert answer_of("c_csos").value == {"value": LINE}
    people = text_of(applicant.client.get(people_url(applicant)))
    assert "Dr Ada Lovelace, Clinical Safety Officer" in people
    # The question's page now shows her, with a way to add another.
    page = text_of(applicant.client.get(url))
    assert "Dr Ada Lovelace, Clinical Safety Officer" in page
    assert "Add another Clinical Safety Officer" in page


def test_a_change_in_key_personnel_shows_in_the_answer_with_its_history(applicant):
    applicant.answer_all(CONTROLLER)
    applicant.client.post(applicant.question_url("c_csos"), {"action": "add", **ADA})
    ada = KeyPerson.objects.get()
    before = answer_of("c_csos").revision
    changed = applicant.client.post(
        people_url(applicant, f"/{ada.pk}"), {**CSO, "job_title": "Chief Clinical Officer"}
    )
    assert changed.status_code == 302
    latest = answer_of("c_csos")
    assert latest.revision == before + 1
    assert latest.value == {
        "value": LINE.replace("Clinical Safety Officer", "Chief Clinical Officer")
    }
    # Every revision stays, each audited.
    assert AnswerRevision.objects.filter(question_id="c_csos").count() == before + 1
    assert AuditEntry.objects.filter(action="key_person.update").count() == 1

    removed = applicant.client.post(people_url(applicant, f"/{ada.pk}/remove"))
    assert removed.status_code == 302
    gone = answer_of("c_csos")
    assert gone.revision == before + 2 and gone.value is None
    page = text_of(applicant.client.get(applicant.question_url("c_csos")))
    assert "Add your Clinical Safety Officer" in page


def test_an_answer_posted_as_text_is_still_taken(applicant):
    """A script or an earlier form posting question 8 as text: kept as typed, as before."""
    applicant.answer_all(CONTROLLER)
    assert applicant.answer("c_csos", {"answer": "Dr Grace Hopper"}).status_code == 302
    assert answer_of("c_csos").value == {"value": "Dr Grace Hopper"}


SUPPLIER_LINE = "Dr Ada Lovelace, Clinical Safety Officer, General Medical Council 1234567"
LEAD = {
    "full_name": "Alan Turing",
    "job_title": "On-call incident lead",
    "email": "alan.turing@northern.example",
}


def test_naming_the_suppliers_cso_on_question_6_records_her_in_key_personnel(applicant):
    applicant.answer_all(SUPPLIER)  # question 6 answered as text, as before
    url = applicant.question_url("s_cso")
    page = text_of(applicant.client.get(url))
    assert "Provide the name and professional registration of your Clinical Safety Officer" in page
    assert "Add your Clinical Safety Officer" in page
    assert "Your answer so far: Dr Ada Lovelace, GMC 1234567" in page

    refused = applicant.client.post(url, {"action": "add", **ADA, "registration_number": ""})
    assert refused.status_code == 400
    assert errors_on(refused) == ["Enter their professional registration number"]

    saved = applicant.client.post(url, {"action": "add", **ADA})
    assert saved.status_code == 302
    [ada] = KeyPerson.objects.all()
    assert (ada.role, ada.full_name) == ("cso", "Dr Ada Lovelace")
    assert answer_of("s_cso").value == {"value": SUPPLIER_LINE}
    people = text_of(applicant.client.get(people_url(applicant)))
    assert "Dr Ada Lovelace, Clinical Safety Officer" in people
    page = text_of(applicant.client.get(url))
    assert "Dr Ada Lovelace, Clinical Safety Officer" in page
    assert "Your answer so far" not in page
    assert "Add another Clinical Safety Officer" in page


def test_a_cso_recorded_in_key_personnel_answers_question_6(applicant):
    """The other way: the supplier records the CSO on the key personnel pages; question 6's
    answer names her, as a new revision after the answer given as text."""
    applicant.answer_all(SUPPLIER)
    before = answer_of("s_cso").revision
    assert applicant.client.post(people_url(applicant, "/add"), CSO).status_code == 302
    latest = answer_of("s_cso")
    assert (latest.revision, latest.value) == (before + 1, {"value": SUPPLIER_LINE})
    assert AnswerRevision.objects.get(question_id="s_cso", revision=before).value == {
        "value": "Dr Ada Lovelace, GMC 1234567"
    }
    page = text_of(applicant.client.get(applicant.question_url("s_cso")))
    assert "Dr Ada Lovelace, Clinical Safety Officer" in page
    check = text_of(applicant.client.get(f"{applicant.stage2}/check-answers"))
    assert SUPPLIER_LINE in check


def test_a_change_to_the_suppliers_cso_shows_on_question_6_with_its_history(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.client.post(applicant.question_url("s_cso"), {"action": "add", **ADA})
    ada = KeyPerson.objects.get()
    before = answer_of("s_cso").revision
    changed = applicant.client.post(
        people_url(applicant, f"/{ada.pk}"), {**CSO, "registration_number": "7654321"}
    )
    assert changed.status_code == 302
    assert answer_of("s_cso").value == {"value": SUPPLIER_LINE.replace("1234567", "7654321")}
    page = text_of(applicant.client.get(applicant.question_url("s_cso")))
    assert "General Medical Council 7654321" in page
    revisions = AnswerRevision.objects.filter(question_id="s_cso").order_by("revision")
    assert [r.value for r in revisions][-2:] == [
        {"value": SUPPLIER_LINE},
        {"value": SUPPLIER_LINE.replace("1234567", "7654321")},
    ]
    assert revisions.count() == before + 1


def test_the_incident_management_leads_on_question_12_are_the_key_personnel(applicant):
    applicant.answer_all(CONTROLLER)
    url = applicant.question_url("c_incident_leads")
    page = text_of(applicant.client.get(url))
    assert "Provide the names of your accountable incident management leads" in page
    assert "Your answer so far: Alan Turing" in page
    assert "Add your Incident management lead" in page
    # An incident management lead has no professional registration to give.
    assert 'name="registration_number"' not in applicant.client.get(url).content.decode()

    assert applicant.client.post(url, {"action": "add", **LEAD}).status_code == 302
    [lead] = KeyPerson.objects.all()
    assert lead.role == "incident_lead"
    assert answer_of("c_incident_leads").value == {"value": "Alan Turing, On-call incident lead"}
    people = text_of(applicant.client.get(people_url(applicant)))
    assert "Alan Turing, Incident management lead" in people

    # A deputy added in the key personnel joins the answer, as a new revision.
    before = answer_of("c_incident_leads").revision
    deputy = {
        "role": "incident_lead",
        "full_name": "Grace Hopper",
        "job_title": "Deputy incident lead",
        "email": "grace.hopper@northern.example",
    }
    assert applicant.client.post(people_url(applicant, "/add"), deputy).status_code == 302
    latest = answer_of("c_incident_leads")
    assert latest.revision == before + 1
    assert latest.value == {
        "value": "Alan Turing, On-call incident lead\nGrace Hopper, Deputy incident lead"
    }
    page = text_of(applicant.client.get(url))
    assert "Grace Hopper, Incident management lead" in page


def test_a_change_requested_on_question_6_shows_there_and_a_key_personnel_change_answers_it(
    applicant, reviewer
):
    applicant.answer_all(SUPPLIER)
    applicant.client.post(applicant.question_url("s_cso"), {"action": "add", **ADA})
    assert applicant.submit().status_code == 302
    desk = Reviewer(signed_in(reviewer), Application.objects.get())
    assert desk.post("/start").status_code == 302
    asked = desk.post("/request-changes", {"comment-s_cso": "Give her current registration"})
    assert asked.status_code == 302

    page = text_of(applicant.client.get(applicant.question_url("s_cso")))
    assert "NHS England asked you to change this answer Give her current registration" in page
    assert "Reply to NHS England about this change request" in page
    ada = KeyPerson.objects.get()
    changed = applicant.client.post(
        people_url(applicant, f"/{ada.pk}"), {**CSO, "registration_number": "7654321"}
    )
    assert changed.status_code == 302
    assert answer_of("s_cso").value == {"value": SUPPLIER_LINE.replace("1234567", "7654321")}
    entry = AuditEntry.objects.filter(action="answer.update", subject="s_cso").latest("pk")
    assert entry.after == {"value": SUPPLIER_LINE.replace("1234567", "7654321")}
