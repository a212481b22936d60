"""The hazard log is part of the answer it belongs to (ADR 0048): it cannot change while NHS
England has the answers, nor after approval, in the services as on the pages; a change to it,
or a response about it, makes a page NHS England opened before it stale; what was approved is
kept as a fingerprint of its rows; and approving it follows the organisation's "someone else"
rule as any attestation does."""

# ruff: noqa: F811 - the fixtures of the hazard log's attestation tests, imported

import pytest

from accounts.models import User
from applications.models import Application
from attestations.models import Attestation, AttestationStatus, KeyPerson
from audit.models import AuditEntry
from hazards.lock import HazardLogLocked, hazard_rows_fingerprint
from hazards.models import HazardLog
from hazards.services import CLOSED, HazardApprovalRefused, hazard_log_approve, hazard_log_import
from tests.attestations.support import attest_all
from tests.attestations.test_hazard_log_attestation import (  # noqa: F401 - fixtures
    attested_in_service,
    cso_browser,
    log_url,
    points_to_the_log,
    service_url,
    text_of,
    trust,
)
from tests.attestations.test_requests import CSO_EMAIL, ask_everyone
from tests.hazards.test_pages import GOOD, csv_bytes, send
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

IN_REVIEW = (
    "The hazard log is part of your answer about it, so it cannot be changed now. NHS England "
    "is reviewing your answers."
)
APPROVED = (
    "The hazard log is part of your answer about it, so it cannot be changed now. NHS England "
    "has approved stage 2, so its answers cannot be changed."
)
HAZARD = {
    "reference": "H-009",
    "description": "Images of another study shown",
    "causes": "Accession number reused",
    "effects": "Misdiagnosis",
    "initial_likelihood": "High",
    "initial_severity": "Major",
    "controls": "Check the accession number",
    "residual_likelihood": "Low",
    "residual_severity": "Major",
    "justification": "",
    "owner": "CSO",
    "status": "Open",
}


def in_review(trust, reviewer):
    assert trust.submit().status_code == 302
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    return desk


def test_the_log_cannot_change_while_nhs_england_reviews_it_nor_after_approval(
    trust, reviewer, member
):
    attested_in_service(trust)
    log = HazardLog.objects.get()
    version, hazard = log.version, log.hazards.first()
    # What the CSO approved, row by row, is on record with the log, her responses and the audit.
    fingerprint = hazard_rows_fingerprint(log.hazards.all())
    assert log.approved_fingerprint == fingerprint
    assert AuditEntry.objects.get(action="hazard_log.approve").after["fingerprint"] == fingerprint
    for rule in ("hazard_log_approval", "c_hazard_log_approved"):
        assert Attestation.objects.get(rule_id=rule).hazard_log["fingerprint"] == fingerprint

    desk = in_review(trust, reviewer)
    attest_all(Application.objects.get())  # the other statements, none about the log
    shown = Application.objects.get().stage2_version  # the reviewer's page, open

    # A member imports a different log while NHS England reviews it: refused, in words.
    refused = send(trust.client, log_url(trust), csv_bytes(GOOD[0]))
    assert refused.status_code == 409
    assert IN_REVIEW in text_of(refused)
    page = text_of(trust.client.get(log_url(trust)))
    assert IN_REVIEW in page
    assert "Import hazards" not in page and "Add a hazard" not in page
    form = trust.client.get(log_url(trust, "/add"))
    assert form.status_code == 200 and IN_REVIEW in text_of(form)
    for tail, data in (
        ("/add", HAZARD),
        (f"/{hazard.pk}/change", {**HAZARD, "version": hazard.version}),
        (f"/{hazard.pk}/remove", {}),
        ("/source", {"source": "file"}),
    ):
        refused = trust.client.post(log_url(trust, tail), data)
        assert refused.status_code == 409, tail
        assert IN_REVIEW in text_of(refused), tail
    # The services refuse too, whatever calls them.
    application = Application.objects.get()
    with pytest.raises(HazardLogLocked):
        hazard_log_import(application=application, data=csv_bytes(GOOD[0]), actor=member)

    log.refresh_from_db()
    assert (log.version, log.hazards.count(), log.is_approved) == (version, 2, True)
    assert log.answer_source == "in_service"
    attested = Attestation.objects.get(rule_id="c_hazard_log_approved")
    assert attested.status == AttestationStatus.ATTESTED
    refusals = AuditEntry.objects.filter(action="hazard_log.change_refused")
    assert sorted(e.after["attempted"] for e in refusals) == sorted(
        ["import", "add", "change", "remove", "answer_source", "import"]
    )
    assert {e.after["state"] for e in refusals} == {"in_review"}
    assert not AuditEntry.objects.filter(action="hazard_log.import").exclude(
        pk=AuditEntry.objects.filter(action="hazard_log.import").first().pk
    )

    # Nothing changed, so the reviewer's page is not stale: she approves the log she saw.
    assert Application.objects.get().stage2_version == shown
    approved = desk.post("/approve", version=shown)
    assert approved.status_code == 302
    assert Application.objects.get().stage2_state == "approved"

    # After approval, no member can change the log, nor void the CSO's statement.
    refused = send(trust.client, log_url(trust), csv_bytes(GOOD[0]))
    assert refused.status_code == 409
    assert APPROVED in text_of(refused)
    application = Application.objects.get()
    with pytest.raises(HazardApprovalRefused) as closed:
        hazard_log_approve(application=application, actor=member)
    assert closed.value.reasons == [CLOSED]
    attested.refresh_from_db()
    assert attested.status == AttestationStatus.ATTESTED
    assert HazardLog.objects.get().version == version


def test_changes_asked_on_another_question_leave_the_log_closed(trust, reviewer):
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    desk = in_review(trust, reviewer)
    asked = desk.post("/request-changes", {"comment-c_privacy_notice": "Link the notice."})
    assert asked.status_code == 302
    refused = send(trust.client, log_url(trust), csv_bytes(GOOD[0]))
    assert refused.status_code == 409
    assert "NHS England has asked you to change other answers, not this one." in text_of(refused)
    assert HazardLog.objects.get().hazards.count() == 2


def test_changes_asked_on_the_hazard_log_question_open_the_log_again(trust, reviewer):
    """Each change then makes a page NHS England opened before it stale."""
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    desk = in_review(trust, reviewer)
    asked = desk.post("/request-changes", {"comment-c_hazard_log": "Add the outage hazard."})
    assert asked.status_code == 302
    before = Application.objects.get().stage2_version
    assert "Import hazards" in text_of(trust.client.get(log_url(trust)))
    assert send(trust.client, log_url(trust), csv_bytes(GOOD[0])).status_code == 302
    assert HazardLog.objects.get().hazards.count() == 1
    assert Application.objects.get().stage2_version > before


def test_a_page_opened_before_the_cso_approves_the_log_is_stale(trust, reviewer):
    """The reproduction: the log approved and attested while NHS England reviews the
    application; the reviewer's page, opened before, cannot approve."""
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))
    ask_everyone(trust)
    desk = in_review(trust, reviewer)
    shown = Application.objects.get().stage2_version
    trust.client.post(log_url(trust, "/ask-approval"))
    browser, respond = cso_browser(trust)
    data = {
        f"response-{a.pk}": "attest"
        for a in Attestation.objects.filter(status=AttestationStatus.REQUESTED)
    }
    assert browser.post(respond, data).status_code == 302
    assert HazardLog.objects.get().is_approved
    assert Application.objects.get().stage2_version > shown

    stale = desk.post("/approve", version=shown)
    assert stale.status_code == 409
    assert "Someone else has made a decision on this application since you opened the page" in (
        text_of(stale)
    )
    assert Application.objects.get().stage2_state == "in_review"


def test_the_cso_cannot_be_asked_by_herself_nor_approve_a_version_she_made(trust, member):
    """The organisation requires someone else (ADR 0012): for the log's approval as for any
    attestation."""
    organisation = member.membership.organisation
    organisation.attestation_by_someone_else = True
    organisation.save()
    points_to_the_log(trust)
    send(trust.client, log_url(trust), csv_bytes(*GOOD))

    # The member who made this version is the CSO named: she may not ask herself, nor approve.
    KeyPerson.objects.filter(role="cso").update(email=member.email)
    asked = trust.client.post(log_url(trust, "/ask-approval"), follow=True)
    assert "You cannot ask yourself to approve the hazard log: Northern Imaging Trust needs" in (
        text_of(asked)
    )
    assert not Attestation.objects.filter(rule_id="hazard_log_approval").exists()
    version = HazardLog.objects.get().version
    approved = trust.client.post(log_url(trust, "/approve"), {"version": version}, follow=True)
    assert "You cannot approve this version of the hazard log because you made it." in (
        text_of(approved)
    )
    assert not HazardLog.objects.get().is_approved

    # Asked by the lead, the CSO responding from her link, having made this version: refused.
    KeyPerson.objects.filter(role="cso").update(email=CSO_EMAIL)
    assert trust.client.post(log_url(trust, "/ask-approval")).status_code == 302
    browser, respond = cso_browser(trust)
    HazardLog.objects.update(version_by=User.objects.get(email=CSO_EMAIL))
    approval = Attestation.objects.get(rule_id="hazard_log_approval")
    page = text_of(browser.get(respond))
    made_it = "You cannot approve the hazard log because you made this version of the log."
    assert made_it in page
    refused = browser.post(respond, {f"response-{approval.pk}": "attest"})
    assert refused.status_code in (400, 409)
    assert made_it in text_of(refused)
    assert not HazardLog.objects.get().is_approved
    approval.refresh_from_db()
    assert approval.status == AttestationStatus.REQUESTED
