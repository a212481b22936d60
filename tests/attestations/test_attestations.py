"""Key personnel who attest (ADR 0012), through Django's test client: the applicant records the
people and asks one of them; the named person follows the single-use link, signs in or creates an
account, and attests or declines; a later change to the answer voids it; approval waits for it."""

import html
import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from applications.models import Application
from attestations.models import Attestation, AttestationStatus, KeyPerson
from audit.models import AuditEntry
from notifications.delivery import REMOVED_SECRET
from notifications.models import Notification
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.conftest import PASSWORD
from tests.web.conftest import errors_on as raw_errors_on
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

CSO = {
    "role": "cso",
    "full_name": "Dr Ada Lovelace",
    "job_title": "Clinical Safety Officer",
    "email": "Ada.Lovelace@northern.example",
    "professional_body": "General Medical Council",
    "registration_number": "1234567",
}
STATEMENT = "our manufacturer and product are compliant with the requirements of DCB0129"


def errors_on(response):
    return [html.unescape(text) for text in raw_errors_on(response)]


@pytest.fixture
def answered(applicant):
    applicant.answer_all(SUPPLIER)
    return applicant


def people_url(applicant, tail=""):
    return f"{applicant.application_url}/key-personnel{tail}"


def add_person(applicant, data):
    return applicant.client.post(people_url(applicant, "/add"), data)


def ask(applicant, person, rule="s_dcb0129_confirmed"):
    return applicant.client.post(
        f"{applicant.application_url}/attestations/{rule}", {"person": str(person.pk)}
    )


def link_of(attestation_email):
    """The link in the queued email's personalisation (kept until the email has gone)."""
    notification = Notification.objects.filter(
        template="attestation_requested", recipient=attestation_email
    ).latest("created_at")
    return notification.personalisation["url"].removeprefix("https://nir.example.nhs.uk")


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


@pytest.fixture
def cso_asked(answered):
    assert add_person(answered, CSO).status_code == 302
    person = KeyPerson.objects.get()
    assert ask(answered, person).status_code == 302
    return Attestation.objects.get()


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
    assert errors_on(response) == ["Email address must be 254 characters or less"]
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
    landing = browser.get(link)
    assert landing.status_code == 200
    text = landing.content.decode()
    assert "Northern Imaging Trust has asked you to attest an answer" in text
    account_url = f"/attestations/{attestation.pk}/account"
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
    respond = f"/attestations/{attestation.pk}"

    page = browser.get(respond).content.decode()
    assert "Confirm that your manufacturer and product are compliant" in page  # the wording
    assert "Yes, I confirm" in page  # the answer as shown
    assert STATEMENT in page
    assert browser.post(respond, {}).status_code == 400
    done = browser.post(respond, {"response": "attest"})
    assert done.status_code == 302
    attestation.refresh_from_db()
    assert attestation.status == AttestationStatus.ATTESTED
    assert attestation.responded_by == user
    assert STATEMENT in attestation.statement
    assert "You have attested this answer" in browser.get(done["Location"]).content.decode()
    home = browser.get("/").content.decode()
    assert "What you have been asked to attest" in home
    assert f"/attestations/{attestation.pk}" in home and "Attested" in home
    entry = AuditEntry.objects.get(action="attestation.attest")
    assert entry.actor == user and entry.after["answer_revision"] == 1
    assert STATEMENT in entry.after["statement"]
    page = answered.client.get(f"{answered.application_url}/attestations").content.decode()
    assert "Attested" in page


def test_only_the_named_person_may_act_and_the_link_works_once(
    cso_asked, colleague, member, reviewer
):
    link = link_of("ada.lovelace@northern.example")
    respond = f"/attestations/{cso_asked.pk}"
    # Signed in as someone else, the link leads nowhere: another member, a reviewer.
    for someone in (colleague, member, reviewer):
        client = signed_in(someone)
        followed = client.get(link)
        assert followed.status_code == 302
        assert client.get(respond).status_code == 404
        assert client.post(respond, {"response": "attest"}).status_code == 404
    # Creating an account needs the link to have been followed in this browser.
    assert Client().get(f"/attestations/{cso_asked.pk}/account").status_code == 404
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.REQUESTED

    # The named person has an account (any capitalisation of the address matches).
    ada = User.objects.create_user("ada.lovelace@northern.example", PASSWORD)
    client = signed_in(ada)
    assert client.get(link).status_code == 302
    assert client.post(respond, {"response": "attest"}).status_code == 302
    # The link used twice: it says so, and a second response is refused.
    again = client.get(link)
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    second = client.post(respond, {"response": "decline", "reason": "Changed my mind"})
    assert second.status_code == 409
    assert "You have already responded to this request" in second.content.decode()
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.ATTESTED
    assert Client().get("/attest/not-a-real-token").status_code == 404


def test_a_decline_needs_a_reason_and_stops_approval(answered, cso_asked, reviewer):
    ada = User.objects.create_user("ada.lovelace@northern.example", PASSWORD)
    client = signed_in(ada)
    respond = f"/attestations/{cso_asked.pk}"
    missing = client.post(respond, {"response": "decline", "reason": "  "})
    assert errors_on(missing) == ["Enter why you cannot attest this statement"]
    reason = "The hazard log has not been reviewed since version 4."
    assert client.post(respond, {"response": "decline", "reason": reason}).status_code == 302
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
    review_page = desk.page().content.decode()
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
    page = desk.page().content.decode()
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
    page = desk.page().content.decode()
    assert "Void: the answer changed" in page
    refused = desk.post("/approve")
    assert refused.status_code == 400
    assert "(void: the answer changed)" in refused.content.decode()
    attest_all(application)
    assert desk.post("/approve").status_code == 302


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
    assert Client().get(link.removeprefix("https://nir.example.nhs.uk")).status_code == 200


def test_asking_again_withdraws_the_earlier_link(answered, cso_asked):
    first = link_of("ada.lovelace@northern.example")
    assert ask(answered, KeyPerson.objects.get()).status_code == 302
    cso_asked.refresh_from_db()
    assert cso_asked.status == AttestationStatus.WITHDRAWN
    gone = Client().get(first)
    assert gone.status_code == 410
    assert "The organisation asked again." in gone.content.decode()
    assert Attestation.objects.filter(status=AttestationStatus.REQUESTED).count() == 1


def test_asking_again_cuts_off_a_browser_that_followed_the_earlier_link(answered, cso_asked):
    """Issue 22: the session keeps the link's token hash, checked against a live request on each
    page, so a browser that followed the earlier link cannot create the account afterwards."""
    browser = Client()
    assert browser.get(link_of("ada.lovelace@northern.example")).status_code == 200
    account_url = f"/attestations/{cso_asked.pk}/account"
    assert browser.get(account_url).status_code == 200
    assert ask(answered, KeyPerson.objects.get()).status_code == 302
    response = browser.post(
        account_url,
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="ada.lovelace@northern.example").exists()
    # Nor does it open the new request's page.
    newer = Attestation.objects.get(status=AttestationStatus.REQUESTED)
    assert browser.get(f"/attestations/{newer.pk}/account").status_code == 404


def no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_pages_behind_an_attestation_link_are_not_stored(cso_asked):
    """Issue 22, finding 7: the pages a link reaches show the named person's email address."""
    browser = Client()
    landing = browser.get(link_of("ada.lovelace@northern.example"))
    assert landing.status_code == 200 and no_store(landing)
    account = browser.get(f"/attestations/{cso_asked.pk}/account")
    assert "ada.lovelace@northern.example" in account.content.decode()
    assert no_store(account)
    browser.post(
        f"/attestations/{cso_asked.pk}/account",
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    respond = browser.get(f"/attestations/{cso_asked.pk}")
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
    assert Client().get(f"/attest/{value[:100]}").status_code in (404, 400)
    ada = User.objects.create_user(f"{len(value)}@example.com", PASSWORD)
    KeyPerson.objects.filter(pk=person.pk).update(email=ada.email)
    Attestation.objects.filter(pk=cso_asked.pk).update(email=ada.email)
    client = signed_in(ada)
    for data in ({"response": value}, {"response": "decline", "reason": value}):
        response = client.post(f"/attestations/{cso_asked.pk}", data)
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
