"""The hazard log in the clinical safety answer (issue 25 item 4, ADR 0045), in Chromium, as a
trust's IG lead, its Clinical Safety Officer and an NHS England reviewer: the lead says the answer
speaks of the in-service log and asks the CSO to approve it, which joins her one request; her
attestation that the log is approved is refused while it is not; she approves the log and attests
on her one page; the reviewer sees which log was attested. axe and the markup check run on every
page each of them reaches."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Membership
from applications.models import Application
from attestations.models import AttestationStatus
from attestations.services import PersonDetails, key_person_save
from hazards.models import HazardLog
from hazards.services import hazard_add
from tests.answer_sets import CONTROLLER
from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context
from tests.system.page_checks import markup_shown_as_text
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system

CSO_EMAIL = "ada.lovelace@northern.example"
HAZARD = {
    "reference": "H-001",
    "description": "Wrong patient's images shown",
    "causes": "Manual entry",
    "effects": "Misdiagnosis",
    "initial_likelihood": "High",
    "initial_severity": "Major",
    "controls": "Validated NHS numbers only",
    "residual_likelihood": "Low",
    "residual_severity": "Major",
    "justification": "",
    "owner": "CSO",
    "status": "Mitigated",
}


class Checked(BrowserUser):
    """A person whose every page also gets the markup check (no tags shown as text)."""

    def check_page(self, state: str) -> None:
        found = markup_shown_as_text(self.page.title() + "\n" + self.page.inner_text("body"))
        assert not found, f"markup shown as text on {self.page.url}: {found}"
        super().check_page(state)


def person(browser, axe_source, live_server, javascript, name):
    context = new_context(browser, javascript=javascript)
    return context, Checked(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / name,
        axe_source=axe_source,
        javascript=javascript,
    )


def test_the_cso_approves_the_hazard_log_in_her_one_request(
    people, browser, axe_source, live_server, javascript, request
):
    client = Client()
    client.force_login(people["trust"])
    applicant = Applicant(client).start("consumer")
    applicant.answer_all(CONTROLLER)
    application = Application.objects.get()
    key_person_save(
        application=application,
        person=None,
        details=PersonDetails(
            role="cso",
            full_name="Dr Ada Lovelace",
            job_title="Clinical Safety Officer",
            email=CSO_EMAIL,
            professional_body="General Medical Council",
            registration_number="1234567",
        ),
        actor=people["trust"],
    )
    hazard_add(application=application, values=HAZARD, actor=people["trust"])
    # The onboarding lead says which log the answer speaks of (ADR 0045).
    Membership.objects.filter(user=people["trust"]).update(is_onboarding_lead=True)
    name = request.node.name
    lead_context, lead = person(browser, axe_source, live_server, javascript, f"{name}-lead")
    cso_context, cso = person(browser, axe_source, live_server, javascript, f"{name}-cso")
    try:
        # The lead asks for the attestations, says the answer speaks of the in-service log, and
        # asks the CSO to approve it: it joins her request, with no second email.
        lead.given_i_have_signed_in_as("ig.lead@northern.example")
        lead.visit(f"/applications/{application.pk}/attestations")
        lead.press_button("Send the requests")
        lead.then_i_see_success("Dr Ada Lovelace one link to attest 3 answers")
        lead.visit(f"/applications/{application.pk}/hazard-log")
        lead.then_i_see("Not approved by the Clinical Safety Officer yet.")
        lead.choose("The hazard log kept in this service")
        lead.press_button("Save which log")
        lead.then_i_see_success("Your answer speaks of: the hazard log kept in this service")
        lead.press_button("Ask Dr Ada Lovelace to approve the log")
        lead.then_i_see_success("It is added to the request they already have a link to")
        [email] = [m for m in mail.outbox if m.to == [CSO_EMAIL]]
        version = HazardLog.objects.get().version

        # The CSO, on her one page: attesting that the log is approved is refused first.
        cso.visit(re.search(r"/attest/\S+", email.body).group(0))
        cso.follow_link(f"Create an account for {CSO_EMAIL}")
        cso.fill("Create a password", "Correct-Horse-Battery-9")
        cso.fill("Confirm your password", "Correct-Horse-Battery-9")
        cso.press_button("Create account")
        cso.follow_link("Do this later")
        cso.then_i_see_heading("Attest Northern Imaging Trust's answers")
        cso.then_i_see(f"Approve the hazard log, version {version}")
        cso.then_i_see("Wrong patient's images shown")
        cso.then_i_see("The hazard log this statement speaks of is not approved yet")
        for question in (7, 9, 10):
            cso.choose(f"Yes, I attest this statement for question {question}")
        cso.choose(f"No, I do not approve it for the hazard log, version {version}")
        cso.fill(
            f"Why do you not approve the hazard log, version {version}?", "Checking H-001 first"
        )
        cso.press_button("Send my responses")
        cso.then_i_see_the_error(
            f"You cannot attest this statement because version {version} of the hazard log it "
            "speaks of, the one kept in this service, has not been approved"
        )
        # She approves the log and attests, in one go.
        cso.choose(
            f"Yes, I approve this version of the hazard log for the hazard log, version {version}"
        )
        for question in (7, 9, 10):
            cso.choose(f"Yes, I attest this statement for question {question}")
        cso.press_button("Send my responses")
        cso.then_i_see_success("We have sent your responses")
        cso.then_i_see("You approved this on")
        log = HazardLog.objects.get()
        assert log.is_approved and log.approved_version == version
        assert set(application.attestations.values_list("status", flat=True)) == {
            AttestationStatus.ATTESTED
        }

        # The lead sees the approval, with its version.
        lead.visit(f"/applications/{application.pk}/hazard-log")
        lead.then_i_see(f"Version {version}, approved by Dr Ada Lovelace on")
    finally:
        lead_context.close()
        cso_context.close()

    # The reviewer sees which log was attested, with its version and approval.
    assert applicant.submit().status_code == 302
    reviewer_context, reviewer = person(
        browser, axe_source, live_server, javascript, f"{name}-reviewer"
    )
    try:
        reviewer.given_i_have_signed_in_as(
            "reviewer@england.example", lands_on="Applications to review"
        )
        reviewer.visit(f"/review/applications/{application.pk}/people")
        reviewer.then_i_see(
            f"Hazard log attested: The hazard log kept in this service, version {version} "
            f"(1 hazard), approved by Dr Ada Lovelace ({CSO_EMAIL}) on"
        )
        reviewer.then_i_see(f"Approve the hazard log, version {version}")
    finally:
        reviewer_context.close()
