"""Key personnel who attest (ADR 0012), through Django's test client: the applicant records the
people and asks one of them; the named person follows the single-use link, signs in or creates an
account, and attests or declines; a later change to the answer voids it; approval waits for it."""

import pytest
from django.test import Client

from accounts.models import User
from applications.models import Application
from attestations.models import Attestation, AttestationRequest, AttestationStatus, KeyPerson
from audit.models import AuditEntry
from notifications.models import Notification
from tests.attestations.support import (
    CSO,
    add_person,
    answer,
    attest_all,
    errors_on,
    people_url,
    request_url,
)
from tests.conftest import PASSWORD
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


def test_key_personnel_are_recorded_with_the_design_systems_messages(answered):
    page = answered.client.get(people_url(answered)).content.decode()
    assert "You have not recorded anyone yet." in page
    refused = add_person(answered, {"role": "cso", "email": "not-an-email"})
    assert refused.status_code == 400
    assert errors_on(refused) == [
        "Enter the person's full name",
        "Enter the person's job title",
        "Enter an email address in the correct format, like name@example.com",
        "Enter the professional body they are registered with",
        "Enter their professional registration number",
    ]
    assert errors_on(add_person(answered, {}))[0] == "Select the person's role"
    # A SIRO has no professional registration to give.
    siro = {**CSO, "role": "siro", "professional_body": "", "registration_number": ""}
    assert add_person(answered, siro).status_code == 302
    assert add_person(answered, CSO).status_code == 302
    people = list(KeyPerson.objects.order_by("created_at"))
    assert [p.role for p in people] == ["siro", "cso"]
    assert people[1].email == "ada.lovelace@northern.example"
    page = answered.client.get(people_url(answered)).content.decode()
    assert "Dr Ada Lovelace, Clinical Safety Officer" in page
    assert "General Medical Council" in page

    change = answered.client.post(
        people_url(answered, f"/{people[1].pk}"), {**CSO, "job_title": "Chief Clinical Officer"}
    )
    assert change.status_code == 302
    people[1].refresh_from_db()
    assert people[1].job_title == "Chief Clinical Officer"
    assert answered.client.post(people_url(answered, f"/{people[0].pk}/remove")).status_code == 302
    assert list(KeyPerson.objects.values_list("role", flat=True)) == ["cso"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"key_person.create", "key_person.update", "key_person.delete"} <= actions


def test_an_address_longer_than_the_database_keeps_is_an_error_not_a_server_error(answered):
    """Once a 500 on PostgreSQL (value too long for type character varying(254))."""
    long_email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "example"
    response = add_person(answered, {**CSO, "email": long_email})
    assert response.status_code == 400
    assert errors_on(response) == ["Email address must be 254 characters or fewer"]
    assert not KeyPerson.objects.exists()


def test_key_personnel_are_fixed_once_submitted_and_hidden_from_other_organisations(
    answered, outsider
):
    add_person(answered, CSO)
    person = KeyPerson.objects.get()
    assert answered.submit().status_code == 302
    page = answered.client.get(people_url(answered)).content.decode()
    assert "You cannot change the key personnel now" in page
    assert "Add a person" not in page
    assert add_person(answered, {**CSO, "full_name": "Someone Else"}).status_code == 302
    assert KeyPerson.objects.count() == 1
    other = signed_in(outsider)
    assert other.get(people_url(answered)).status_code == 404
    assert other.post(people_url(answered, f"/{person.pk}/remove")).status_code == 404


def test_a_decline_needs_a_reason_and_stops_approval(answered, cso_asked, reviewer):
    ada = User.objects.create_user("ada.lovelace@northern.example", PASSWORD)
    client = signed_in(ada)
    respond = request_url(cso_asked)
    asked = cso_asked
    missing = client.post(respond, answer(asked, "decline", "  "))
    assert errors_on(missing) == ["Enter why you cannot attest the statement for question 8"]
    reason = "The hazard log has not been reviewed since version 4."
    assert client.post(respond, answer(asked, "decline", reason)).status_code == 302
    cso_asked.refresh_from_db()
    assert (cso_asked.status, cso_asked.decline_reason) == (AttestationStatus.DECLINED, reason)
    told = Notification.objects.get(personalisation__decision="attestation declined")
    assert reason in told.personalisation["reason"]
    page = answered.client.get(f"{answered.application_url}/attestations").content.decode()
    assert "Declined" in page and reason in page

    answered.submit()
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    refused = desk.post("/approve")
    assert refused.status_code == 400
    assert (
        "Question 8 needs an attestation from the Clinical Safety Officer (declined)"
        in refused.content.decode()
    )
    review_page = desk.page("people").content.decode()
    assert reason in review_page


def test_approval_is_refused_while_an_attestation_is_missing(answered, reviewer):
    from tests.attestations.support import attest_all

    answered.submit()  # submission does not wait for attestations
    application = Application.objects.get()
    assert application.stage2_state == "submitted"
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    page = desk.page().content.decode()
    assert "Stage 2 cannot be approved yet" in page
    assert (
        "Question 8 needs an attestation from the Clinical Safety Officer (not asked yet)" in page
    )
    refused = desk.post("/approve")
    assert refused.status_code == 400
    application.refresh_from_db()
    assert application.stage2_state == "in_review"

    [given] = attest_all(application)
    page = desk.page("people").content.decode()
    assert "Attested" in page and given.full_name in page
    assert desk.post("/approve").status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == "approved"


def test_a_later_change_to_the_answer_voids_it_visibly(answered, reviewer):
    from tests.attestations.support import attest_all

    answered.submit()
    application = Application.objects.get()
    [attestation] = attest_all(application)
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    desk.post("/request-changes", {"comment-s_dcb0129": "Confirm again after the audit."})
    assert answered.answer("s_dcb0129", {"answer": "not_confirmed"}).status_code == 302
    attestation.refresh_from_db()
    assert attestation.status == AttestationStatus.VOID
    assert attestation.end_reason == "The answer changed after the request was made."
    assert answered.answer("s_dcb0129", {"answer": "confirmed"}).status_code == 302
    page = answered.client.get(f"{answered.application_url}/attestations").content.decode()
    assert "Void: the answer changed" in page
    assert AuditEntry.objects.filter(action="attestation.void").count() == 1
    # The voided link no longer works.
    answered.submit()
    desk.post("/start")
    page = desk.page("people").content.decode()
    assert "Void: the answer changed" in page
    refused = desk.post("/approve")
    assert refused.status_code == 400
    assert "(void: the answer changed)" in refused.content.decode()
    attest_all(application)
    assert desk.post("/approve").status_code == 302


HOSTILE = [
    "\x00",
    "before\x00after",
    "9" * 5000,
    "\r\n\r\n",
    "\x1b[31m\x7f\x85\x9f",
    "\ufeff\u202e",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_never_breaks_the_attestation_forms(answered, cso_asked, value):
    person = KeyPerson.objects.get()
    fields = ["role", "full_name", "job_title", "email", "professional_body", "registration_number"]
    for field in fields:
        response = add_person(answered, {**CSO, field: value})
        assert response.status_code in (302, 400), (field, response.status_code)
    bad_ask = answered.client.post(
        f"{answered.application_url}/attestations/s_dcb0129_confirmed", {"person": value}
    )
    assert bad_ask.status_code == 400
    assert answered.client.get(
        f"{answered.application_url}/attestations/{value[:50]}"
    ).status_code in (
        302,
        404,
    )
    assert Client().get(f"/attest/{value[:100]}", follow=True).status_code in (404, 400)
    ada = User.objects.create_user(f"{len(value)}@example.com", PASSWORD)
    KeyPerson.objects.filter(pk=person.pk).update(email=ada.email)
    Attestation.objects.filter(pk=cso_asked.pk).update(email=ada.email)
    AttestationRequest.objects.filter(pk=cso_asked.request_id).update(email=ada.email)
    client = signed_in(ada)
    pk = cso_asked.pk
    for data in ({f"response-{pk}": value}, {f"response-{pk}": "decline", f"reason-{pk}": value}):
        response = client.post(request_url(cso_asked), data)
        assert response.status_code in (302, 400), response.status_code


def test_check_answers_says_how_many_answers_still_need_attesting(answered):
    """Submission does not wait for attestations, but the applicant is told before sending that
    approval will: the count goes down as each is given, and the message goes once none is left."""
    check_url = f"{answered.stage2}/check-answers"
    page = answered.client.get(check_url).content.decode()
    assert "1 answer still needs attesting by the named person" in page
    assert f'href="{answered.application_url}/attestations"' in page
    assert "Accept and send" in page, "submission does not wait for the attestation"

    attest_all(Application.objects.get(pk=answered.application_url.rsplit("/", 1)[-1]))
    page = answered.client.get(check_url).content.decode()
    assert "still need" not in page
