"""One request per person and application (ADR 0038): the lead asks once, each person gets one
email listing every statement, with one link that expires and can be sent again; the person
attests or declines each on one page; another organisation can neither see nor act on it."""

import html
import re

import pytest
from django.test import Client

from accounts.models import User
from attestations.models import (
    Attestation,
    AttestationLink,
    AttestationRequest,
    AttestationStatus,
    KeyPerson,
)
from audit.models import AuditEntry
from notifications.models import Notification
from tests.answer_sets import CONTROLLER
from tests.attestations.support import CSO, add_person, errors_on, request_url
from tests.conftest import PASSWORD
from tests.web.conftest import signed_in

SIRO = {
    "role": "siro",
    "full_name": "Sam Owen",
    "job_title": "Director of Finance",
    "email": "sam.owen@northern.example",
    "professional_body": "",
    "registration_number": "",
}
CSO_EMAIL = "ada.lovelace@northern.example"


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


@pytest.fixture
def trust(applicant):
    """A trust's answers, with its CSO and SIRO recorded."""
    applicant.answer_all(CONTROLLER)
    assert add_person(applicant, CSO).status_code == 302
    assert add_person(applicant, SIRO).status_code == 302
    return applicant


def text_of(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def ask_everyone(applicant):
    """The attestations page's form as it comes: each statement's only possible person chosen."""
    page = applicant.client.get(f"{applicant.application_url}/attestations").content.decode()
    chosen = dict(
        re.findall(
            r'name="(person-[a-z0-9_]+)" type="radio" value="([0-9a-f-]+)"'
            r"[^>]*checked",
            page,
        )
    )
    return applicant.client.post(f"{applicant.application_url}/attestations", chosen)


def emails_to(address):
    return list(
        Notification.objects.filter(template="attestation_requested", recipient=address).order_by(
            "created_at"
        )
    )


def link_in(notification):
    return notification.personalisation["url"].removeprefix("https://nir.example.nhs.uk")


def test_each_person_gets_one_request_and_one_email_listing_every_statement(trust):
    page = text_of(trust.client.get(f"{trust.application_url}/attestations"))
    assert "Who will attest question 9: DCB0160?" in page
    asked = ask_everyone(trust)
    assert asked.status_code == 302
    after = text_of(trust.client.get(asked["Location"]))
    assert (
        "We have emailed Sam Owen one link to attest 1 answer, and Dr Ada Lovelace one link to "
        "attest 3 answers" in after
    )

    assert AttestationRequest.objects.count() == 2
    cso_request = AttestationRequest.objects.get(email=CSO_EMAIL)
    assert sorted(cso_request.attestations.values_list("question_label", flat=True)) == [
        "Question 10: Clinical safety hazard log",
        "Question 7: Clinical approval of the deployment",
        "Question 9: DCB0160",
    ]
    [email] = emails_to(CSO_EMAIL)
    assert email.personalisation["statements"].splitlines() == [
        "* Question 7: Clinical approval of the deployment",
        "* Question 9: DCB0160",
        "* Question 10: Clinical safety hazard log",
    ]
    [siro_email] = emails_to("sam.owen@northern.example")
    assert siro_email.personalisation["statements"] == (
        "* Question 5: Data Protection Impact Assessment (DPIA)"
    )
    # Nothing is left to ask: the form has gone, and the requests say where their links stand.
    page = text_of(trust.client.get(f"{trust.application_url}/attestations"))
    assert "Send the requests" not in page
    assert "Dr Ada Lovelace Email address ada.lovelace@northern.example" in page
    assert "Sent on" in page and "It works until" in page


def test_nobody_chosen_is_an_error_and_asks_no_one(trust):
    refused = trust.client.post(f"{trust.application_url}/attestations", {})
    assert refused.status_code == 400
    assert errors_on(refused) == ["Select who you want to attest question 5"]
    assert (
        not Attestation.objects.exists()
        and not Notification.objects.filter(template="attestation_requested").exists()
    )


def test_the_person_responds_to_every_statement_on_one_page(trust, member):
    ask_everyone(trust)
    [email] = emails_to(CSO_EMAIL)
    browser = Client()
    landing = text_of(browser.get(link_in(email), follow=True))
    assert "Northern Imaging Trust has asked you to attest its answers" in landing
    assert "Question 9: DCB0160" in landing and "Question 10: Clinical safety hazard log" in landing
    asked = AttestationRequest.objects.get(email=CSO_EMAIL)
    created = browser.post(
        f"/attestations/requests/{asked.pk}/account",
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert created.status_code == 302
    respond = f"/attestations/requests/{asked.pk}"
    statements = {a.question_id: a for a in asked.attestations.all()}
    page = text_of(browser.get(respond))
    for label in ("Question 7", "Question 9", "Question 10"):
        assert f"Do you attest the statement for {label.lower()}?" in page

    # Every statement needs a response, and a decline its reason; nothing is kept until then.
    dcb, log, deployment = (
        statements["c_dcb0160"],
        statements["c_hazard_log"],
        statements["c_clinical_approval"],
    )
    partial = browser.post(
        respond, {f"response-{dcb.pk}": "attest", f"response-{log.pk}": "decline"}
    )
    assert partial.status_code == 400
    assert errors_on(partial) == [
        "Select whether you attest the statement for question 7",
        "Enter why you cannot attest the statement for question 10",
    ]
    assert not asked.attestations.exclude(status=AttestationStatus.REQUESTED).exists()

    done = browser.post(
        respond,
        {
            f"response-{dcb.pk}": "attest",
            f"response-{deployment.pk}": "attest",
            f"response-{log.pk}": "decline",
            f"reason-{log.pk}": "The hazard log is still empty.",
        },
    )
    assert done.status_code == 302
    statuses = dict(asked.attestations.values_list("question_id", "status"))
    assert statuses == {
        "c_dcb0160": "attested",
        "c_clinical_approval": "attested",
        "c_hazard_log": "declined",
    }
    # The members are told once, of all three.
    [told] = Notification.objects.filter(template="decision", recipient=member.email)
    assert told.personalisation["reason"].count("Dr Ada Lovelace") == 3
    # Her home names each question, with its status: no identical rows.
    home = text_of(browser.get("/"))
    assert "Northern Imaging Trust, application" in home
    for label in ("Question 7: Clinical approval", "Question 9: DCB0160", "Question 10:"):
        assert label in home
    assert home.count("Attested") == 2 and "Declined" in home
    # The link has done its work.
    again = browser.get(link_in(email), follow=True)
    assert again.status_code == 410
    assert "This link has already been used" in text_of(again)


def test_an_expired_link_says_so_and_whom_to_ask(trust, member, clock, settings):
    settings.ATTESTATION_LINK_DAYS = 14
    ask_everyone(trust)
    [email] = emails_to(CSO_EMAIL)
    asked = AttestationRequest.objects.get(email=CSO_EMAIL)
    clock.advance(days=13, hours=23)
    assert Client().get(link_in(email), follow=True).status_code == 200
    clock.advance(hours=2)
    browser = Client()
    expired = browser.get(link_in(email), follow=True)
    assert expired.status_code == 410
    page = text_of(expired)
    assert "This link has expired" in page
    assert "Links to attest answers work for 14 days" in page
    who = (
        f"{member.full_name} at Northern Imaging Trust:"
        if member.full_name
        else ("Northern Imaging Trust: email")
    )
    assert f"To get a new link, ask {who} {member.email}" in page
    # Nor can an account be made through it.
    assert browser.get(request_url(asked.attestations.first(), "/account")).status_code == 404
    # The lead (signed in again: two weeks have passed) sees it has expired.
    list_page = text_of(signed_in(member).get(f"{trust.application_url}/attestations"))
    assert "Expired on" in list_page


def test_sending_again_kills_the_old_link_and_is_audited(trust, member, clock):
    ask_everyone(trust)
    [first] = emails_to(CSO_EMAIL)
    asked = AttestationRequest.objects.get(email=CSO_EMAIL)
    clock.advance(days=20)
    lead = signed_in(member)  # two weeks on: signed in again
    resent = lead.post(f"{trust.application_url}/attestations/requests/{asked.pk}/resend")
    assert resent.status_code == 302
    assert "We have emailed Dr Ada Lovelace a new link" in text_of(lead.get(resent["Location"]))
    old, new = emails_to(CSO_EMAIL)
    assert old == first
    assert new.personalisation["statements"] == first.personalisation["statements"]
    replaced = Client().get(link_in(first), follow=True)
    assert replaced.status_code == 410
    assert "This link has been replaced" in text_of(replaced)
    assert Client().get(link_in(new), follow=True).status_code == 200
    assert AttestationLink.objects.filter(request=asked, replaced_at__isnull=True).count() == 1
    entries = AuditEntry.objects.filter(action="attestation_request.send", subject=CSO_EMAIL)
    assert [e.after["links_replaced"] for e in entries.order_by("pk")] == [0, 1]


def test_sending_again_with_nothing_waiting_sends_nothing(trust):
    ask_everyone(trust)
    asked = AttestationRequest.objects.get(email="sam.owen@northern.example")
    person = KeyPerson.objects.get(role="siro")
    trust.client.post(f"{trust.application_url}/key-personnel/{person.pk}/remove")
    resent = trust.client.post(f"{trust.application_url}/attestations/requests/{asked.pk}/resend")
    assert resent.status_code == 302
    assert "Nothing is waiting for this person's response" in text_of(
        trust.client.get(resent["Location"])
    )
    assert len(emails_to("sam.owen@northern.example")) == 1


def test_another_organisation_can_neither_see_nor_act_on_a_request(trust, outsider):
    ask_everyone(trust)
    asked = AttestationRequest.objects.get(email=CSO_EMAIL)
    other = signed_in(outsider)
    assert other.get(f"/attestations/requests/{asked.pk}").status_code == 404
    assert (
        other.post(f"{trust.application_url}/attestations/requests/{asked.pk}/resend").status_code
        == 404
    )
    assert other.post(f"{trust.application_url}/attestations", {}).status_code == 404
    assert len(emails_to(CSO_EMAIL)) == 1
    # Nor may a member of the organisation itself respond for her.
    assert trust.client.get(f"/attestations/requests/{asked.pk}").status_code == 404
    ada = User.objects.create_user(CSO_EMAIL, PASSWORD)
    assert signed_in(ada).get(f"/attestations/requests/{asked.pk}").status_code == 200
