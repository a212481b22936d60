"""An application with a long history, section by section, in Chromium at 1280px and at 320px,
for both roles: a Medical Imaging Supplier's (11 questions) after two rounds of changes, and a
Data Controller's (17 questions, question 15 a file) after a change, a resubmission, a document
asked for twice, a hold and attestations. Each section page is shorter than 2,000px at 1280px
wide, none scrolls sideways at 320px, the sections' navigation marks the current one, and axe
finds nothing. Screenshots of each are saved in test-artifacts/screenshots/review-sections-<role>/,
and the heights are printed."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications.models import Application
from attestations.services import PersonDetails, attester_account_create, key_person_save
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.attestations.support import attest_all
from tests.conftest import PASSWORD
from tests.evidence.conftest import clamd_address  # noqa: F401 - a real test clamd
from tests.evidence.files import PDF
from tests.system.conftest import ARTIFACTS
from tests.web.conftest import Applicant
from tests.workflow.test_review_cycle import Reviewer
from workflow.applicant.attestations import (
    attestation_ask,
    attestation_needs_now,
    attestation_respond,
)
from workflow.models import DocumentRequest

pytestmark = pytest.mark.system

REVIEWER = "reviewer@england.example"
CSO = "ada.lovelace@northern.example"
SECTIONS = {
    "": "Overview",
    "answers": "Answers",
    "evidence": "Evidence and documents",
    "people": "People and attestations",
    "holds": "Holds",
    "comments": "Comments",
    "timeline": "Timeline",
}
MAX_HEIGHT = 2000


def supplier_history(people):
    """The supplier's application after two rounds of changes, holds raised and lifted, two
    documents requested, comments both ways, attested, and back in review."""
    client = Client()
    client.force_login(people["supplier"])
    applicant = Applicant(client).start("consumer")
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    reviewer = Client()
    reviewer.force_login(people["reviewer"])
    desk = Reviewer(reviewer, application)
    for round_ in range(2):
        assert desk.post("/start").status_code == 302
        desk.post("/holds/new", {"reason": f"We are checking your DSPT status ({round_ + 1})."})
        hold = application.holds.filter(lifted_at__isnull=True).get()
        desk.post(f"/holds/{hold.pk}/lift", {"reason": "The DSPT team confirmed it."})
        desk.post(
            "/documents/new",
            {
                "title": f"Clinical Safety Case Report, part {round_ + 1}",
                "due-day": "31",
                "due-month": "12",
                "due-year": "2026",
            },
        )
        desk.post("/comments", {"text": f"Checked round {round_ + 1}.", "visibility": "internal"})
        desk.post("/comments", {"text": "Thank you.", "visibility": "applicant"})
        reviewer.post(
            f"{desk.url}/answers/s_cso/request-change",
            {"comment": f"Add the CSO's registration body (round {round_ + 1})."},
        )
        reviewer.post(
            f"{desk.url}/changes/send",
            {"version": Application.objects.get().stage2_version},
        )
        applicant.answer("s_cso", {"answer": f"Dr Ada Lovelace, GMC 1234567, round {round_ + 1}"})
        assert applicant.submit().status_code == 302
    assert desk.post("/start").status_code == 302
    attest_all(application)
    return application


def _shown_version(client, url):
    page = client.get(url).content.decode()
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _send_document(client, url, name, note):
    data = {"evidence": SimpleUploadedFile(name, PDF), "note": note}
    assert client.post(url, {**data, "version": _shown_version(client, url)}).status_code == 302


def controller_history(people):
    """A trust's Data Controller application, as the lifecycle walk leaves it before approval:
    question 15's file uploaded, submitted; the review started; a change requested on question
    12 (collected on the answers page, then sent); a hold raised and lifted; the answer changed
    and resubmitted; a document requested, sent with a note, asked for again with a reason,
    sent again and accepted; comments both ways; every attestation given; back in review."""
    client = Client()
    client.force_login(people["trust"])
    applicant = Applicant(client).start()
    applicant.answer_all(CONTROLLER)
    upload = {"evidence": SimpleUploadedFile("signed-aup.pdf", PDF)}
    assert client.post(applicant.question_url("c_aup"), upload).status_code == 302
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    reviewer = Client()
    reviewer.force_login(people["reviewer"])
    desk = Reviewer(reviewer, application)
    assert desk.post("/start").status_code == 302
    comment = "Name each lead's role and the on-call rota."
    reviewer.post(f"{desk.url}/answers/c_incident_leads/request-change", {"comment": comment})
    sent = reviewer.post(f"{desk.url}/changes/send", {"version": _version(application)})
    assert sent.status_code == 302
    lead = "Alan Turing (on-call lead) and Grace Hopper (deputy)"
    assert applicant.answer("c_incident_leads", {"answer": lead}).status_code == 302
    assert applicant.submit().status_code == 302
    assert desk.post("/start").status_code == 302
    desk.post("/holds/new", {"reason": "We are checking the DSPT and the register entry."})
    hold = application.holds.filter(lifted_at__isnull=True).get()
    desk.post(f"/holds/{hold.pk}/lift", {"reason": "The DSPT team confirmed it."})
    asked = desk.post(
        "/documents/new",
        {
            "title": "Clinical Safety Case Report and hazard log",
            "note": "The CSO's sign-off and the hazard review, for the 5 sites.",
            "due-day": "31",
            "due-month": "12",
            "due-year": "2026",
        },
    )
    assert asked.status_code == 302
    document = DocumentRequest.objects.get()
    theirs = f"{applicant.application_url}/documents/{document.pk}"
    ours = f"{desk.url}/documents/{document.pk}"
    _send_document(client, theirs, "safety-case.pdf", "Pages 4 and 5 have the log.")
    again = {
        "reason": "The log is not signed and dated: send the signed copy.",
        "due-choice": "same",
        "version": _shown_version(reviewer, f"{ours}/ask-again"),
    }
    assert reviewer.post(f"{ours}/ask-again", again).status_code == 302
    _send_document(client, theirs, "safety-case-signed.pdf", "Signed and dated.")
    accept = {"action": "accept", "version": _shown_version(reviewer, ours)}
    assert reviewer.post(ours, accept).status_code == 302
    thanks = "The log and the case report read well."
    desk.post("/comments", {"text": thanks, "visibility": "applicant"})
    desk.post("/comments", {"text": "Checked against the register.", "visibility": "internal"})
    _cso_attests_question_9(application, people["trust"])
    attest_all(application)
    return application


def _cso_attests_question_9(application, lead):
    """As in the lifecycle walk: the trust's own CSO, recorded in full, attests question 9;
    attest_all then names a person for each of the others."""
    cso = attester_account_create(email=CSO, full_name="Dr Ada Lovelace", password=PASSWORD)
    details = PersonDetails(
        role="cso",
        full_name="Dr Ada Lovelace",
        job_title="Clinical Safety Officer",
        email=CSO,
        professional_body="General Medical Council",
        registration_number="1234567",
    )
    person = key_person_save(application=application, person=None, details=details, actor=lead)
    (need,) = [n for n in attestation_needs_now(application) if n.number == "9"]
    asked = attestation_ask(
        application=application, rule_id=need.rule.id, person_id=person.pk, actor=lead
    )
    attestation_respond(attestation_id=asked.pk, actor=cso, attest=True)


def _version(application):
    return Application.objects.get(pk=application.pk).stage2_version


HISTORIES = {"supplier": supplier_history, "controller": controller_history}


@pytest.fixture
def scanned(settings, tmp_path, clamd_address):  # noqa: F811 - the fixture imported above
    """Files are kept in a folder of the test's own and checked by a real clamd (the project's
    test one), so they read as checked, as they do in production."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    settings.CLAMD_ADDRESS = clamd_address


@pytest.fixture(params=list(HISTORIES))
def long_history(request, people, scanned):
    return request.param, HISTORIES[request.param](people)


@pytest.mark.parametrize("javascript", ["javascript"], indirect=True)
def test_each_section_is_short_enough_to_read_and_fits_320px(me, long_history):
    role, application = long_history
    me.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    base = f"/review/applications/{application.pk}"
    shots = ARTIFACTS / f"review-sections-{role}"
    shots.mkdir(parents=True, exist_ok=True)
    heights = {}
    for width in (1280, 320):
        me.page.set_viewport_size({"width": width, "height": 900})
        for section, title in SECTIONS.items():
            me.visit(base + (f"/{section}" if section else ""))
            current = me.page.locator(".app-secondary-navigation [aria-current='page']")
            assert current.inner_text() == title
            size = me.page.evaluate(
                "() => [document.documentElement.scrollWidth,"
                " document.documentElement.scrollHeight]"
            )
            me.page.screenshot(path=shots / f"{width}-{section or 'overview'}.png", full_page=True)
            if width == 1280:
                heights[section or "overview"] = size[1]
            else:
                assert size[0] <= width, f"{section or 'overview'} scrolls sideways at 320px"
    print(f"{role}: heights at 1280px {heights}")
    too_tall = {n: h for n, h in heights.items() if h >= MAX_HEIGHT}
    assert not too_tall, f"{role}: taller than {MAX_HEIGHT}px at 1280px: {too_tall} ({heights})"
