"""The attestation link (ADR 0012): only the named person may act on it, once; asking again or
changing the person's email withdraws it, and cuts off every browser that followed it (issue 22);
its pages are never stored."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from attestations.models import Attestation, AttestationStatus, KeyPerson
from audit.models import AuditEntry
from notifications.delivery import REMOVED_SECRET
from notifications.models import Notification
from tests.attestations.support import (
    CSO,
    STATEMENT,
    add_person,
    answer,
    ask,
    errors_on,
    link_of,
    people_url,
    request_url,
)
from tests.conftest import PASSWORD
from tests.web.conftest import signed_in
from workflow.applicant import attestations as workflow


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


def test_the_named_person_creates_an_account_through_the_link_and_attests(answered, member):
    page = answered.client.get(f"{answered.application_url}/attestations").content.decode()
    assert "Question 8: DCB0129 compliance" in page and "Not asked yet" in page
    # Only someone whose role may attest is offered.
    add_person(answered, {**CSO, "role": "siro", "email": "siro@northern.example"})
    form = answered.client.get(f"{answered.application_url}/attestations/s_dcb0129_confirmed")
    assert "Add them to your key personnel" in form.content.decode()
    add_person(answered, CSO)
    cso = KeyPerson.objects.get(role="cso")
    siro = KeyPerson.objects.get(role="siro")
    assert ask(answered, siro).status_code == 400
    assert ask(answered, cso).status_code == 302
    attestation = Attestation.objects.get()
    assert attestation.status == AttestationStatus.REQUESTED
    assert attestation.answer_revision == 1
    link = link_of("ada.lovelace@northern.example")
    token = link.removeprefix("/attest/")
    assert token not in str(Attestation.objects.values_list())  # only its hash is kept

    browser = Client()
    landing = browser.get(link, follow=True)
    assert landing.status_code == 200
    text = landing.content.decode()
    assert "Northern Imaging Trust has asked you to attest its answers" in text
    assert "Question 8: DCB0129 compliance" in text
    account_url = request_url(attestation, "/account")
    assert account_url in text
    refused = browser.post(account_url, {"full_name": "Ada Lovelace", "password": "short"})
    assert refused.status_code == 400
    assert "This password is too short" in errors_on(refused)[0]
    mismatch = browser.post(
        account_url,
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": "x" + PASSWORD},
    )
    assert errors_on(mismatch) == ["Enter the same password in both boxes"]
    created = browser.post(
        account_url,
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    # Signed in, and asked to set up two-factor (ADR 0010) before going on to the attestation.
    assert created.status_code == 302
    assert created["Location"].startswith("/two-factor/set-up?next=")
    user = User.objects.get(email="ada.lovelace@northern.example")
    assert not hasattr(user, "membership")  # the account joins no organisation
    respond = request_url(attestation)
    # The attestation's own address leads to the request's page.
    assert browser.get(f"/attestations/{attestation.pk}")["Location"] == respond

    page = browser.get(respond).content.decode()
    assert "Confirm that your manufacturer and product are compliant" in page  # the wording
    assert "Yes, I confirm" in page  # the answer as shown
    assert STATEMENT in page
    refused = browser.post(respond, {})
    assert refused.status_code == 400
    assert errors_on(refused) == ["Select whether you attest the statement for question 8"]
    done = browser.post(respond, answer(attestation, "attest"))
    assert done.status_code == 302
    attestation.refresh_from_db()
    assert attestation.status == AttestationStatus.ATTESTED
    assert attestation.responded_by == user
    assert STATEMENT in attestation.statement
    after = browser.get(done["Location"]).content.decode()
    assert "We have sent your responses" in after and "You attested this on" in after
    home = browser.get("/").content.decode()
    assert "What you have been asked to attest" in home
    assert "Question 8: DCB0129 compliance" in home and "Attested" in home
    assert respond in home
    entry = AuditEntry.objects.get(action="attestation.attest")
    assert entry.actor == user and entry.after["answer_revision"] == 1
    assert STATEMENT in entry.after["statement"]
    page = answered.client.get(f"{answered.application_url}/attestations").content.decode()
    assert "Attested" in page


def test_only_the_named_person_may_act_and_the_link_works_once(
    cso_asked, colleague, member, reviewer
):
    link = link_of("ada.lovelace@northern.example")
    respond = request_url(cso_asked)
    # Signed in as someone else, the link leads nowhere: another member, a reviewer.
    for someone in (colleague, member, reviewer):
        client = signed_in(someone)
        followed = client.get(link)
        assert followed.status_code == 302
        assert client.get(respond).status_code == 404
        assert client.post(respond, answer(cso_asked, "attest")).status_code == 404
        assert client.get(f"/attestations/{cso_asked.pk}").status_code == 404
    # Creating an account needs the link to have been followed in this browser.
    assert Client().get(request_url(cso_asked, "/account")).status_code == 404
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.REQUESTED

    # The named person has an account (any capitalisation of the address matches).
    ada = User.objects.create_user("ada.lovelace@northern.example", PASSWORD)
    client = signed_in(ada)
    assert client.get(link).status_code == 302
    assert client.post(respond, answer(cso_asked, "attest")).status_code == 302
    # The link used twice: it says so, and a second response changes nothing.
    again = client.get(link, follow=True)
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    second = client.post(respond, answer(cso_asked, "decline", "Changed my mind"))
    assert second.status_code == 200
    assert "Send my responses" not in second.content.decode()
    with pytest.raises(workflow.AttestationRefused, match="already responded"):
        workflow.attestation_respond(
            attestation_id=cso_asked.pk, actor=ada, attest=False, reason="Changed my mind"
        )
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.ATTESTED
    assert Client().get("/attest/not-a-real-token", follow=True).status_code == 404


def test_the_link_leaves_the_outbox_once_the_email_has_gone(
    answered, django_capture_on_commit_callbacks
):
    add_person(answered, CSO)
    with django_capture_on_commit_callbacks(execute=True):
        ask(answered, KeyPerson.objects.get())
    [email] = [m for m in mail.outbox if "asks you to attest" in m.subject]
    assert email.to == ["ada.lovelace@northern.example"]
    link = re.search(r"https://nir\.example\.nhs\.uk/attest/\S+", email.body).group(0)
    notification = Notification.objects.get(template="attestation_requested")
    assert notification.status == "sent"
    assert notification.personalisation["url"] == REMOVED_SECRET
    assert link not in str(Notification.objects.values_list())
    assert (
        Client().get(link.removeprefix("https://nir.example.nhs.uk"), follow=True).status_code
        == 200
    )


def test_asking_again_withdraws_the_earlier_link(answered, cso_asked):
    first = link_of("ada.lovelace@northern.example")
    assert ask(answered, KeyPerson.objects.get()).status_code == 302
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.WITHDRAWN
    gone = Client().get(first, follow=True)
    assert gone.status_code == 410
    assert "This link has been replaced" in gone.content.decode()
    assert Attestation.objects.filter(status=AttestationStatus.REQUESTED).count() == 1


def test_asking_again_cuts_off_a_browser_that_followed_the_earlier_link(answered, cso_asked):
    """Issue 22: the session keeps the link's token hash, checked against a live request on each
    page, so a browser that followed the earlier link cannot create the account afterwards."""
    browser = Client()
    assert browser.get(link_of("ada.lovelace@northern.example"), follow=True).status_code == 200
    account_url = request_url(cso_asked, "/account")
    assert browser.get(account_url).status_code == 200
    assert ask(answered, KeyPerson.objects.get()).status_code == 302
    response = browser.post(
        account_url,
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="ada.lovelace@northern.example").exists()
    # The statement asked again is in the same request, which the old link no longer opens.
    newer = Attestation.objects.get(status=AttestationStatus.REQUESTED)
    assert newer.request_id == cso_asked.request_id
    assert browser.get(request_url(newer, "/account")).status_code == 404


def no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_pages_behind_an_attestation_link_are_not_stored(cso_asked):
    """Issue 22, finding 7: the pages a link reaches show the named person's email address."""
    browser = Client()
    landing = browser.get(link_of("ada.lovelace@northern.example"), follow=True)
    assert landing.status_code == 200 and no_store(landing)
    account = browser.get(request_url(cso_asked, "/account"))
    assert "ada.lovelace@northern.example" in account.content.decode()
    assert no_store(account)
    browser.post(
        request_url(cso_asked, "/account"),
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    respond = browser.get(request_url(cso_asked))
    assert respond.status_code == 200 and no_store(respond)


def test_changing_the_persons_email_withdraws_the_link_sent_to_the_old_one(answered, cso_asked):
    person = KeyPerson.objects.get()
    changed = answered.client.post(
        people_url(answered, f"/{person.pk}"), {**CSO, "email": "ada@northern.example"}
    )
    assert changed.status_code == 302
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.WITHDRAWN
    assert cso_asked.end_reason == "The person's email address or role was changed."
