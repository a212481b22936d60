"""The hazard log in the clinical safety answer (ADR 0045): the answer points to the in-service
log or a file; the lead asks the named CSO to approve the log in her one request; she approves
or declines with a reason there; a statement that the log is approved is refused while the log it
points to is empty or unapproved; the reviewer sees which log was attested."""

import html
import re

import pytest
from django.test import Client

from accounts.models import Membership
from attestations.models import Attestation, AttestationRequest, AttestationStatus
from audit.models import AuditEntry
from hazards.models import HazardLog
from notifications.models import Notification
from tests.answer_sets import CONTROLLER
from tests.attestations.support import CSO, add_person, answer, errors_on
from tests.attestations.test_requests import CSO_EMAIL, ask_everyone, emails_to, link_in
from tests.conftest import PASSWORD
from tests.hazards.test_pages import GOOD, csv_bytes, send
from tests.web.conftest import signed_in

LOG_EMPTY = (
    "You cannot attest this statement because the hazard log it speaks of, the one kept in "
    "this service, has no hazards"
)


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


@pytest.fixture
def trust(applicant, member):
    # The onboarding lead says which log the answer speaks of (ADR 0045).
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    applicant.answer_all(CONTROLLER)
    assert add_person(applicant, CSO).status_code == 302
    return applicant


def text_of(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def log_url(applicant, tail=""):
    return f"{applicant.application_url}/hazard-log{tail}"


def points_to_the_log(applicant):
    saved = applicant.client.post(log_url(applicant, "/source"), {"source": "in_service"})
    assert saved.status_code == 302


def cso_browser(applicant):
    """The CSO, following the link of her latest email and creating her account."""
    browser = Client()
    email = emails_to(CSO_EMAIL)[-1]
    assert browser.get(link_in(email), follow=True).status_code == 200
    asked = AttestationRequest.objects.get(email=CSO_EMAIL)
    created = browser.post(
        f"/attestations/requests/{asked.pk}/account",
        {"full_name": "Ada Lovelace", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert created.status_code == 302
    return browser, f"/attestations/requests/{asked.pk}"


def statement(question_id):
    return Attestation.objects.get(question_id=question_id, status=AttestationStatus.REQUESTED)


def test_the_answer_records_which_log_it_points_to_and_that_is_audited(trust):
    page = text_of(trust.client.get(log_url(trust)))
    assert "Which hazard log does your answer to the hazard log question speak of?" in page
    points_to_the_log(trust)
    log = HazardLog.objects.get()
    assert log.answer_source == "in_service"
    entry = AuditEntry.objects.get(action="hazard_log.answer_source")
    assert entry.after == {"source": "in_service"}
    refused = trust.client.post(log_url(trust, "/source"), {"source": "somewhere"}, follow=True)
    assert "Select which hazard log your answer speaks of" in text_of(refused)
    assert HazardLog.objects.get().answer_source == "in_service"


def test_an_attestation_that_the_log_is_approved_is_refused_while_the_log_is_empty(trust):
    points_to_the_log(trust)
    ask_everyone(trust)
    browser, respond = cso_browser(trust)
    page = text_of(browser.get(respond))
    assert "The hazard log this statement speaks of is not approved yet" in page
    log = statement("c_hazard_log")
    everything = {
        f"response-{a.pk}": "attest"
        for a in Attestation.objects.filter(status=AttestationStatus.REQUESTED)
    }
    refused = browser.post(respond, everything)
    assert refused.status_code == 409
    # In the error summary, linked to her answer to that statement, and at the answer.
    summary = re.findall(r'<a href="#([^"]*)"\s*>([^<]*)</a>', refused.content.decode())
    assert [(href, html.unescape(" ".join(text.split()))) for href, text in summary] == [
        (f"response-{log.pk}", LOG_EMPTY)
    ]
    assert f"Error: {LOG_EMPTY}" in text_of(refused)
    # All or nothing: none of her responses is kept.
    assert not Attestation.objects.exclude(status=AttestationStatus.REQUESTED).exists()
    assert not AuditEntry.objects.filter(action="attestation.attest").exists()


def test_the_cso_approves_the_log_in_her_one_request_and_can_then_attest(trust, member):
    points_to_the_log(trust)
    ask_everyone(trust)
    [first_email] = emails_to(CSO_EMAIL)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    log = HazardLog.objects.get()
    page = text_of(trust.client.get(log_url(trust)))
    assert "Ask Dr Ada Lovelace to approve the log" in page

    # Her request is open with a live link: the approval joins it, and no email is sent.
    asked = trust.client.post(log_url(trust, "/ask-approval"), follow=True)
    assert "It is added to the request they already have a link to" in text_of(asked)
    assert emails_to(CSO_EMAIL) == [first_email]
    approval = Attestation.objects.get(rule_id="hazard_log_approval")
    assert approval.statement == f"Approve the hazard log, version {log.version}"
    assert approval.request == AttestationRequest.objects.get(email=CSO_EMAIL)
    assert "We have asked Dr Ada Lovelace" in text_of(trust.client.get(log_url(trust)))

    browser, respond = cso_browser(trust)
    page = text_of(browser.get(respond))
    assert f"Approve the hazard log, version {log.version}" in page
    assert "Wrong patient's images shown" in page  # the hazards she approves
    assert f"Do you approve the hazard log, version {log.version}?" in page

    # Approving the log and attesting that it is approved, on one page, in one go.
    others = {
        a.pk: "attest"
        for a in Attestation.objects.filter(status=AttestationStatus.REQUESTED).exclude(
            rule_id="hazard_log_approval"
        )
    }
    done = browser.post(
        respond,
        {
            **answer(approval, "attest"),
            **{f"response-{pk}": value for pk, value in others.items()},
        },
    )
    assert done.status_code == 302, errors_on(done)
    log.refresh_from_db()
    assert log.is_approved and log.approved_version == log.version
    assert log.approved_by.email == CSO_EMAIL
    attested = Attestation.objects.get(rule_id="c_hazard_log_approved")
    assert attested.status == AttestationStatus.ATTESTED
    assert attested.hazard_log["source"] == "in_service"
    assert attested.hazard_log["version"] == log.version
    approve_entry = AuditEntry.objects.get(action="hazard_log.approve")
    assert approve_entry.after["version"] == log.version
    assert AuditEntry.objects.get(
        action="attestation.attest", subject="c_hazard_log_approved"
    ).after["hazard_log"] == {**attested.hazard_log}
    page = text_of(browser.get(respond))
    assert "Approved You approved this on" in page


def test_the_cso_declines_with_a_reason_and_a_change_voids_a_waiting_approval(trust):
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    asked = trust.client.post(log_url(trust, "/ask-approval"), follow=True)
    # No request open yet: she is emailed one link, listing the approval.
    assert "we emailed them a link" in text_of(asked)
    [email] = emails_to(CSO_EMAIL)
    version = HazardLog.objects.get().version
    assert email.personalisation["statements"] == f"* Hazard log, version {version}"
    browser, respond = cso_browser(trust)
    approval = Attestation.objects.get(rule_id="hazard_log_approval")
    missing = browser.post(respond, answer(approval, "decline"))
    assert errors_on(missing) == [
        f"Enter why you cannot attest the statement for the hazard log, version {version}"
    ]
    declined = browser.post(respond, answer(approval, "decline", "H-002 has no owner yet."))
    assert declined.status_code == 302
    approval.refresh_from_db()
    assert approval.status == AttestationStatus.DECLINED
    assert approval.decline_reason == "H-002 has no owner yet."
    assert not HazardLog.objects.get().is_approved
    assert AuditEntry.objects.filter(action="attestation.decline", subject="hazard_log_approval")

    # Asked again, then the log changes: the waiting approval is void.
    trust.client.post(log_url(trust, "/ask-approval"))
    waiting = Attestation.objects.get(rule_id="hazard_log_approval", status="requested")
    send(trust.client, log_url(trust), csv_bytes(GOOD[0]))
    waiting.refresh_from_db()
    assert waiting.status == AttestationStatus.VOID
    assert waiting.end_reason == "The hazard log changed after the request was made."


def test_the_reviewer_sees_which_log_was_attested(trust, reviewer):
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    ask_everyone(trust)
    trust.client.post(log_url(trust, "/ask-approval"))
    browser, respond = cso_browser(trust)
    data = {
        f"response-{a.pk}": "attest"
        for a in Attestation.objects.filter(status=AttestationStatus.REQUESTED)
    }
    assert browser.post(respond, data).status_code == 302
    assert trust.submit().status_code == 302
    application_id = trust.application_url.rsplit("/", 1)[-1]
    page = text_of(signed_in(reviewer).get(f"/review/applications/{application_id}/people"))
    log = HazardLog.objects.get()
    assert "The answer speaks of The hazard log kept in this service" in page
    assert (
        f"Hazard log attested: The hazard log kept in this service, version {log.version} "
        "(2 hazards), approved by Ada Lovelace (ada.lovelace@northern.example) on" in page
    )
    assert f"Approve the hazard log, version {log.version} Asked of Dr Ada Lovelace" in page


def test_another_organisation_cannot_see_or_act_on_the_log(trust, outsider):
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    other = signed_in(outsider)
    for tail in ("/ask-approval", "/source"):
        assert other.post(log_url(trust, tail), {"source": "in_service"}).status_code == 404
    assert HazardLog.objects.get().answer_source == "file"
    assert not Attestation.objects.exists()
    assert not Notification.objects.filter(template="attestation_requested").exists()


def attested_in_service(trust):
    """The answer speaks of the in-service log; the CSO approves it and attests every
    statement, that the log is approved among them."""
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    ask_everyone(trust)
    trust.client.post(log_url(trust, "/ask-approval"))
    browser, respond = cso_browser(trust)
    data = {
        f"response-{a.pk}": "attest"
        for a in Attestation.objects.filter(status=AttestationStatus.REQUESTED)
    }
    assert browser.post(respond, data).status_code == 302
    attested = Attestation.objects.get(rule_id="c_hazard_log_approved")
    assert attested.status == AttestationStatus.ATTESTED
    return attested


def needs_attesting_again(trust):
    """The applicant's attestations page, in words."""
    return text_of(trust.client.get(f"{trust.application_url}/attestations"))


def unattested(trust):
    """How many answers checking the answers says still need attesting."""
    check = text_of(trust.client.get(f"{trust.application_url}/stage-2/check-answers"))
    found = re.search(r"(\d+) answers? still needs? attesting by the named person", check)
    return int(found.group(1)) if found else 0


def test_a_change_to_the_log_voids_the_attestation_that_it_is_approved(trust):
    attested = attested_in_service(trust)
    before = unattested(trust)
    send(trust.client, log_url(trust), csv_bytes(GOOD[0]))
    attested.refresh_from_db()
    assert attested.status == AttestationStatus.VOID
    reason = (
        "The hazard log kept in this service changed, so its approval no longer stands: this "
        "statement needs attesting again."
    )
    assert attested.end_reason == reason
    entry = AuditEntry.objects.get(action="attestation.void", subject="c_hazard_log_approved")
    assert entry.after == {"status": "void", "reason": reason}
    page = needs_attesting_again(trust)
    assert f"Void: the answer changed {reason}" in page
    # The statement can be asked again, and checking the answers says it still needs attesting.
    assert (
        'name="person-c_hazard_log_approved"'
        in trust.client.get(f"{trust.application_url}/attestations").content.decode()
    )
    assert unattested(trust) == before + 1


def test_switching_the_source_voids_the_attestation_that_the_log_is_approved(trust):
    attested = attested_in_service(trust)
    assert trust.client.post(log_url(trust, "/source"), {"source": "file"}).status_code == 302
    attested.refresh_from_db()
    assert attested.status == AttestationStatus.VOID
    reason = "The answer now speaks of another hazard log: this statement needs attesting again."
    assert attested.end_reason == reason
    assert f"Void: the answer changed {reason}" in needs_attesting_again(trust)


def test_an_attested_statement_does_not_count_while_the_log_is_unapproved(trust, reviewer):
    """Belt and braces: however the attestation came to stand, it counts only while the
    in-service log it speaks of is approved as it is."""
    attested_in_service(trust)
    assert trust.submit().status_code == 302
    # The approval no longer of the version there is (not through a service: the check is
    # the needs' own).
    log = HazardLog.objects.get()
    HazardLog.objects.filter(pk=log.pk).update(version=log.version + 1)
    assert (
        Attestation.objects.get(rule_id="c_hazard_log_approved").status
        == AttestationStatus.ATTESTED
    )
    application_id = trust.application_url.rsplit("/", 1)[-1]
    page = text_of(signed_in(reviewer).get(f"/review/applications/{application_id}/approve"))
    assert (
        "needs an attestation from the Clinical Safety Officer (attested, but the hazard log is "
        "not approved as it is now)" in page
    )


def test_only_the_lead_says_which_log_and_only_while_the_answers_can_change(
    trust, member, colleague
):
    other = signed_in(colleague)
    page = text_of(other.get(log_url(trust)))
    assert "Save which log" not in page
    assert "Only your onboarding lead can change this" in page
    refused = other.post(log_url(trust, "/source"), {"source": "in_service"})
    assert refused.status_code == 403
    assert (
        "Only an onboarding lead of Northern Imaging Trust can choose which hazard log the "
        "answer speaks of." in text_of(refused)
    )
    assert not HazardLog.objects.filter(answer_source="in_service").exists()

    assert trust.submit().status_code == 302
    assert "Save which log" not in text_of(trust.client.get(log_url(trust)))
    late = trust.client.post(log_url(trust, "/source"), {"source": "in_service"})
    assert late.status_code == 409
    assert "You have sent your answers to NHS England." in text_of(late)
    assert not HazardLog.objects.filter(answer_source="in_service").exists()
    assert not AuditEntry.objects.filter(action="hazard_log.answer_source").exists()
