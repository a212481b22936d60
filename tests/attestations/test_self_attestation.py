"""Self-attestation (issue 22, ADR 0012): a member may add themselves as the CSO, ask for the
attestation of their own answer and give it. The reviewer's page and the assurance pack say so
plainly; and the organisation's onboarding lead can require someone else, which the service
then enforces and the pages say."""

import base64
import io
import json
import re
import zipfile
from html import unescape

import pypdfium2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.models import Membership
from applications.models import Application
from attestations.models import Attestation, AttestationStatus, KeyPerson
from audit.models import AuditEntry
from tests.answer_sets import SUPPLIER
from tests.attestations.support import answer, attest_all, request_url
from tests.web.conftest import errors_on as raw_errors_on
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

RULE = "s_dcb0129_confirmed"
SELF = "Attested by the person who asked for this attestation and gave this answer"
ASKED = "Attested by the person who asked for this attestation"
ANSWERED = "Attested by the person who gave this answer"


def errors_on(response):
    return [unescape(text) for text in raw_errors_on(response)]


def text_of(response):
    """The words a person sees: tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture(autouse=True)
def signing_key_set(settings):
    settings.ASSURANCE_SIGNING_KEY = base64.b64encode(
        Ed25519PrivateKey.generate().private_bytes_raw()
    ).decode()


@pytest.fixture
def answered(applicant):
    applicant.answer_all(SUPPLIER)
    return applicant


@pytest.fixture
def lead(member):
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    member.refresh_from_db()
    return member


def as_cso(client, application_url, user):
    """``client`` records ``user`` as the Clinical Safety Officer, under their own email."""
    response = client.post(
        f"{application_url}/key-personnel/add",
        {
            "role": "cso",
            "full_name": user.full_name or "Named CSO",
            "job_title": "Clinical Safety Officer",
            "email": user.email,
            "professional_body": "General Medical Council",
            "registration_number": "1234567",
        },
    )
    assert response.status_code == 302, errors_on(response)
    return KeyPerson.objects.get(email=user.email)


def ask(client, application_url, person):
    return client.post(f"{application_url}/attestations/{RULE}", {"person": str(person.pk)})


def approve(application, reviewer):
    attest_all(application)
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    return desk


def pack_parts(client, application):
    response = client.get(f"/applications/{application.pk}/assurance-pack.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def pdf_text(data):
    text = "".join(p.get_textpage().get_text_bounded() for p in pypdfium2.PdfDocument(data))
    return " ".join(text.split())


def test_the_reviewer_and_the_pack_say_plainly_when_the_cso_attested_their_own_answer(
    answered, member, reviewer
):
    person = as_cso(answered.client, answered.application_url, member)
    assert ask(answered.client, answered.application_url, person).status_code == 302
    attestation = Attestation.objects.get()
    respond = request_url(attestation)
    asked = attestation
    page = text_of(answered.client.get(respond))
    assert "Do you attest the statement for question 8?" in page and "You cannot attest" not in page
    assert answered.client.post(respond, answer(asked, "attest")).status_code == 302
    assert answered.submit().status_code == 302
    application = Application.objects.get()
    desk = approve(application, reviewer)
    page = text_of(desk.page("people"))
    assert "Attested" in page
    assert SELF in page
    assert desk.post("/approve").status_code == 302

    parts = pack_parts(answered.client, application)
    [given] = json.loads(parts["application.json"])["attestations"]
    assert given["same_person"] == SELF
    assert (given["requested_by"], given["attested_by"]) == (member.email, member.email)
    assert SELF in pdf_text(parts["summary.pdf"])


@pytest.mark.parametrize(
    ("asker", "attester", "words"),
    [
        ("colleague", "member", ANSWERED),  # the member gave every answer
        ("colleague", "colleague", ASKED),
        ("member", "colleague", None),
    ],
)
def test_each_way_of_being_the_same_person_is_named_and_none_otherwise(
    request, answered, reviewer, asker, attester, words
):
    asker, attester = request.getfixturevalue(asker), request.getfixturevalue(attester)
    client = signed_in(asker)
    person = as_cso(client, answered.application_url, attester)
    assert ask(client, answered.application_url, person).status_code == 302
    attestation = Attestation.objects.get()
    assert (
        signed_in(attester)
        .post(request_url(attestation), answer(attestation, "attest"))
        .status_code
        == 302
    )
    assert answered.submit().status_code == 302
    application = Application.objects.get()
    page = text_of(approve(application, reviewer).page("people"))
    for sentence in (SELF, ASKED, ANSWERED):
        assert (sentence in page) == (sentence == words), sentence


def test_the_onboarding_lead_chooses_who_can_attest_with_radios_and_it_is_audited(
    lead, colleague, organisation
):
    client = signed_in(lead)
    members = text_of(client.get("/organisation/members"))
    assert "Who can attest your answers" in members
    assert "Any of your key personnel asked can attest an answer" in members
    assert "Change who can attest your answers" in members
    page = client.get("/organisation/attestations")
    assert page.status_code == 200
    words = text_of(page)
    assert "Who can attest your organisation's answers?" in words
    assert "Any of the key personnel asked" in words
    assert (
        "Only someone other than the person who gave the answer or asked for the attestation"
        in words
    )
    assert 'type="radio"' in page.content.decode() and "nhsuk-radios" in page.content.decode()

    missing = client.post("/organisation/attestations", {"attesters": "whoever"})
    assert missing.status_code == 400
    assert errors_on(missing) == ["Select who can attest your organisation's answers"]
    saved = client.post("/organisation/attestations", {"attesters": "someone_else"}, follow=True)
    assert "Who can attest your answers has been changed" in text_of(saved)
    assert (
        "An answer must be attested by someone other than the person who gave it or asked for "
        "the attestation" in text_of(saved)
    )
    organisation.refresh_from_db()
    assert organisation.attestation_by_someone_else is True
    [entry] = AuditEntry.objects.filter(action="organisation.attestation_rule")
    assert entry.actor == lead and entry.object_id == str(organisation.pk)
    assert entry.after == {"attestation_by_someone_else": True}
    # Saving it unchanged writes nothing; a member who is not the lead cannot change it.
    client.post("/organisation/attestations", {"attesters": "someone_else"})
    assert AuditEntry.objects.filter(action="organisation.attestation_rule").count() == 1
    other = signed_in(colleague)
    assert other.get("/organisation/attestations").status_code == 403
    assert other.post("/organisation/attestations", {"attesters": "anyone"}).status_code == 403
    assert "Change who can attest your answers" not in text_of(other.get("/organisation/members"))
    organisation.refresh_from_db()
    assert organisation.attestation_by_someone_else is True


def test_when_the_organisation_requires_someone_else_the_same_person_is_refused_plainly(
    answered, lead, colleague, organisation
):
    person = as_cso(answered.client, answered.application_url, lead)
    # Asked while anyone could attest; then the lead requires someone else.
    assert ask(answered.client, answered.application_url, person).status_code == 302
    attestation = Attestation.objects.get()
    signed_in(lead).post("/organisation/attestations", {"attesters": "someone_else"})

    respond = request_url(attestation)
    asked = attestation
    page = text_of(answered.client.get(respond))
    assert "You cannot attest this answer" in page
    assert (
        "You cannot attest this answer because you asked for this attestation and gave this "
        "answer. Northern Imaging Trust needs someone else to attest it." in page
    )
    assert "Yes, I attest this statement" not in page
    refused = answered.client.post(respond, answer(asked, "attest"))
    assert refused.status_code == 409
    attestation.refresh_from_db()
    assert attestation.status == AttestationStatus.REQUESTED
    assert not AuditEntry.objects.filter(action="attestation.attest").exists()
    # They can still say they cannot, so that the organisation asks someone else.
    declined = answered.client.post(respond, answer(asked, "decline", "I gave this answer myself."))
    assert declined.status_code == 302
    attestation.refresh_from_db()
    assert attestation.status == AttestationStatus.DECLINED

    # Asking yourself, or whoever gave the answer, is refused from the start.
    form = text_of(answered.client.get(f"{answered.application_url}/attestations/{RULE}"))
    assert "Northern Imaging Trust needs an answer attested by someone other than" in form
    refused = ask(answered.client, answered.application_url, person)
    assert refused.status_code == 400
    assert errors_on(refused) == [
        "Select someone other than yourself: Northern Imaging Trust needs an answer attested by "
        "someone other than the person who gave it or asked for the attestation"
    ]
    refused = ask(signed_in(colleague), answered.application_url, person)
    assert errors_on(refused) == [
        "Select someone other than the person who gave this answer: Northern Imaging Trust "
        "needs an answer attested by someone other than the person who gave it or asked for "
        "the attestation"
    ]
    # Someone else is asked, and attests.
    other = as_cso(answered.client, answered.application_url, colleague)
    assert ask(answered.client, answered.application_url, other).status_code == 302
    latest = Attestation.objects.get(status=AttestationStatus.REQUESTED)
    assert (
        signed_in(colleague).post(request_url(latest), answer(latest, "attest")).status_code == 302
    )
    latest.refresh_from_db()
    assert latest.status == AttestationStatus.ATTESTED
