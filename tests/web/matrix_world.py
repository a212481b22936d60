"""The authorization matrix's world (tests/web/test_authorization_matrix.py): two organisations,
each with one of every object a URL names, so that each URL can be asked of every role, and every
nested URL with one organisation's parent and the other's child.

Each organisation has a supplier application that is submitted and paused by a reviewer's hold,
with a change request on one answer, a document request, a comment for the applicant and an
internal one, an accepted evidence
file, a key person asked to attest, a certificate, a hazard in its log; a Data Controller draft
with a key person; a draft just started; a withdrawn application; a colleague, an invitation, a
password reset and a member's API token.
Each record's visible text names its organisation ("Northern", "Southern"), so a page shows
whose record it served. Tokens are fixed strings: only their hashes are stored, as the service
stores them."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Membership, PasswordReset, UserKind, password_fingerprint
from accounts.services import organisation_create, user_create
from applications.models import Application
from attestations.models import AttestationLink, AttestationRequest, KeyPerson
from audit.models import AuditEntry
from certificates.models import Certificate
from core.tokens import token_hash
from evidence.services import evidence_store
from evidence.upload import quarantine_file
from hazards.services import hazard_add
from questionnaire.models import VersionCandidate
from tests.answer_sets import SUPPLIER
from tests.api_tokens import token_made
from tests.conftest import PASSWORD
from tests.web.conftest import Applicant, make_member
from workflow.decisions.comments import review_comment_add
from workflow.decisions.documents import document_request_create
from workflow.decisions.review import (
    application_withdraw,
    changes_request,
    review_start,
    reviewer_hold_raise,
)
from workflow.models import CommentVisibility, HoldOrigin
from workflow.services import answer_save, application_start

STAFF_INVITATION_TOKEN = "matrix-token-for-a-staff-invitation"


@dataclass(frozen=True)
class Organisation:
    name: str
    ods_code: str
    word: str  # in every record's visible text
    domain: str
    member: str  # the member's email address, as in tests/web/conftest.py


NORTHERN = Organisation("Northern Imaging Trust", "RNI", "Northern", "northern.example", "ig.lead")
SOUTHERN = Organisation("Southern Scans Ltd", "8AB12", "Southern", "southern.example", "pm")


@dataclass
class OrganisationWorld:
    """One organisation's records: `values` fill the URL templates, `texts` are what its pages
    show of each record (and no other organisation's page may), `applications` are its
    applications by state."""

    values: dict[str, Any]
    texts: dict[str, str]
    applications: dict[str, Any]


def matrix_world() -> dict[str, Any]:
    """Organisation A (Northern, member_a) and organisation B (Southern, member_b), a reviewer
    and an administrator. The caller pins today and says where evidence is stored."""
    reviewer = user_create(
        email="reviewer@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    administrator = user_create(
        email="admin@england.example", password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )
    worlds, members = {}, {}
    for label, organisation in (("A", NORTHERN), ("B", SOUTHERN)):
        members[label], worlds[label] = _organisation_world(organisation, reviewer)
    staff_invitation = Invitation.objects.create(
        email="new.reviewer@england.example",
        kind=UserKind.REVIEWER,
        invited_by=None,
        token_hash=token_hash(STAFF_INVITATION_TOKEN),
        expires_at=timezone.now() + timedelta(days=7),
    )
    # A questionnaire version checked and not yet published (ADR 0044): version 1's text as 2.
    candidate_text = (
        (settings.QUESTIONNAIRE_DIR / "stage2-v1.yaml")
        .read_text(encoding="utf-8")
        .replace("\nversion: 1\n", "\nversion: 2\n")
    )
    candidate = VersionCandidate.objects.create(
        definition_id="nir-stage2-governance-assurance",
        version=2,
        yaml_text=candidate_text,
        sha256=hashlib.sha256(candidate_text.encode()).hexdigest(),
        source_name="stage2-v2.yaml",
        checked_by=administrator,
        checked_at=timezone.now(),
    )
    for world in worlds.values():
        world.values.update(staff_user=reviewer.pk, staff_invitation=staff_invitation.pk)
        world.values.update(version_candidate=candidate.pk)
        # The audit log's latest entry, opened on its own page (issue 26).
        world.values.update(audit_entry=AuditEntry.objects.order_by("-sequence")[0].sequence)
    users = {
        "member_a": members["A"],
        "member_b": members["B"],
        "reviewer": reviewer,
        "administrator": administrator,
    }
    # What each person's own pages show of them: their email address and their API token.
    tokens = {role: f"{role.replace('_', ' ').capitalize()}'s token" for role in users}
    for role, user in users.items():
        if role not in ("member_a", "member_b"):
            token_made(user=user, name=tokens[role], days=7)
    tokens.update(member_a=worlds["A"].texts["api_token"], member_b=worlds["B"].texts["api_token"])
    personal = {
        role: {"user_email": user.email, "user_token": tokens[role]} for role, user in users.items()
    }
    personal["anonymous"] = {"user_email": "", "user_token": ""}
    return {"users": users, "personal": personal, **worlds}


def _organisation_world(organisation: Organisation, reviewer):
    org = organisation_create(name=organisation.name, ods_code=organisation.ods_code, actor=None)
    member = make_member(org, f"{organisation.member}@{organisation.domain}")
    client = Client()
    client.force_login(member)
    applicant = Applicant(client).start()
    applicant.answer_all(SUPPLIER)
    application = Application.objects.get(organisation=org, role="supplier")
    word = organisation.word
    # The hazard log changes only while its answer can (ADR 0048): its hazard before submitting.
    hazard = _hazard(application, member, word)
    response = applicant.submit()
    assert response.status_code == 302, response.status_code
    application.refresh_from_db()
    values: dict[str, Any] = {"app": application.pk, "organisation": org.pk}
    texts: dict[str, str] = {"reference": application.reference, "organisation": org.name}
    for part in (
        _review(application, reviewer, word, applicant),
        _evidence(application, member, word),
        _attestation(application, member, organisation),
        _certificate(application, member, organisation),
        _people(application, member, organisation),
        hazard,
    ):
        values.update(part[0])
        texts.update(part[1])
    # A Data Controller application in draft (the NHS number checker's), and one withdrawn.
    controller = application_start(actor=member, scope="both")
    answer_save(
        application=controller,
        question_id="role",
        value={"value": "controller"},
        expected_version=0,
        actor=member,
    )
    withdrawn = application_start(actor=member, scope="consumer")
    application_withdraw(application=withdrawn, actor=member, reason="Started by mistake")
    # Just started, with no answers: it is offered the submitted one's answers (ADR 0020).
    new = application_start(actor=member, scope="provider")
    # The key personnel change only while the answers can: their pages are the draft's.
    draft_person = KeyPerson.objects.create(
        application=controller,
        role="cso",
        full_name=f"Dr Grace {word}",
        job_title="Clinical Safety Officer",
        email=f"grace@{organisation.domain}",
        professional_body="General Medical Council",
        registration_number="7654321",
    )
    token = token_made(user=member, name=f"{word} pipeline token", days=7).token
    values.update(
        controller_app=controller.pk,
        new_app=new.pk,
        draft_person=draft_person.pk,
        api_token=token.pk,
    )
    texts.update(
        controller_reference=controller.reference,
        draft_person=draft_person.full_name,
        api_token=token.name,
    )
    application.refresh_from_db()
    states = {
        application.stage2_state: application.pk,
        "draft": controller.pk,
        "new": new.pk,
        "withdrawn": withdrawn.pk,
    }
    assert set(states) == {"paused", "draft", "new", "withdrawn"}, states
    return member, OrganisationWorld(values=values, texts=texts, applications=states)


def _review(application: Application, reviewer, word: str, applicant: Applicant):
    """A reviewer's hold, a document request, and a comment for the applicant and an internal
    one (which the applicant never sees)."""
    # A change request on question 6 first (for its reply page, ADR 0037), answered by a
    # resubmission, so that the hold pauses a submitted application as before.
    review_start(
        application=application, actor=reviewer, expected_version=application.stage2_version
    )
    application.refresh_from_db()
    change = changes_request(
        application=application,
        actor=reviewer,
        expected_version=application.stage2_version,
        comments={"s_cso": f"Give the {word} CSO's registration number"},
    ).items.get()
    applicant.answer("s_cso", {"answer": f"Dr Ada {word}, GMC 1234567"})
    assert applicant.submit().status_code == 302
    application.refresh_from_db()
    hold = reviewer_hold_raise(
        application=application,
        actor=reviewer,
        expected_version=application.stage2_version,
        reason=f"Checking the {word} DSPT entry",
    )
    assert hold.origin == HoldOrigin.REVIEWER
    application.refresh_from_db()
    document = document_request_create(
        application=application,
        actor=reviewer,
        title=f"{word} penetration test report",
        note=f"Send the {word} report with its executive summary",
        due_date=date(2026, 12, 31),
        expected_version=application.stage2_version,
    )
    comments, made = {}, {}
    for visibility in CommentVisibility:
        text = f"{word} comment, {visibility.label}"
        made[visibility.value] = review_comment_add(
            application=application, actor=reviewer, text=text, visibility=visibility.value
        )
        comments[f"comment_{visibility.value}"] = text
    return (
        {
            "hold": hold.pk,
            "doc": document.pk,
            "comment": made["applicant"].pk,
            "change": change.pk,
        },
        {
            "change_comment": change.comment,
            "hold_reason": hold.reason,
            "doc_title": document.title,
            "doc_note": document.note,
            **comments,
        },
    )


def _evidence(application: Application, member, word: str):
    evidence = evidence_store(
        application=application,
        purpose="question:c_aup",
        received=quarantine_file(
            io.BytesIO(f"%PDF-1.4\n% {word}\n%%EOF\n".encode()),
            original_name=f"{word.lower()}-aup.pdf",
        ),
        actor=member,
    )
    return (
        {"evidence": evidence.pk},
        {"evidence_name": evidence.original_name, "evidence_bytes": f"% {word}"},
    )


def _attestation(application: Application, member, organisation: Organisation):
    full_name = f"Dr Ada {organisation.word}"
    person = KeyPerson.objects.create(
        application=application,
        role="cso",
        full_name=full_name,
        job_title="Clinical Safety Officer",
        email=f"ada@{organisation.domain}",
        professional_body="General Medical Council",
        registration_number="1234567",
    )
    token = f"matrix-token-for-the-named-person-{organisation.word}"
    # The one request to the person (ADR 0038), with its link.
    asked = AttestationRequest.objects.create(
        application=application, email=person.email, full_name=full_name, sent_by=member
    )
    AttestationLink.objects.create(
        request=asked,
        token_hash=token_hash(token),
        sent_by=member,
        expires_at=timezone.now() + timedelta(days=14),
    )
    attestation = application.attestations.create(
        request=asked,
        question_label="Question 8: DCB0129 compliance",
        rule_id="s_dcb0129_confirmed",
        question_id="s_dcb0129",
        definition_version=1,
        answer_revision=1,
        question_wording="Confirm DCB0129",
        statement="I confirm",
        person=person,
        role="cso",
        full_name=person.full_name,
        email=person.email,
        requested_by=member,
    )
    return (
        {
            "person": person.pk,
            "attestation": attestation.pk,
            "attestation_request": asked.pk,
            "token": token,
        },
        {"key_person": full_name},
    )


def _certificate(application: Application, member, organisation: Organisation):
    subject = f"CN=pacs-one.{organisation.domain}"
    certificate = Certificate.objects.create(
        organisation=application.organisation,
        subject=subject,
        issuer="CN=Test Issuing CA",
        serial=f"C0FFEE{organisation.ods_code}",
        fingerprint_sha256=token_hash(organisation.domain).upper(),
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2027, 1, 1, tzinfo=UTC),
        key_type="rsa",
        key_size=2048,
        der=b"0",
        uploaded_by=member,
    )
    return {"certificate": certificate.pk}, {"certificate": subject}


def _hazard(application: Application, member, word: str):
    """A hazard in the supplier application's log, for its change and remove pages."""
    description = f"{word}: wrong patient's images shown"
    hazard = hazard_add(
        application=application,
        values={
            "reference": "H-001",
            "description": description,
            "causes": "Manual entry",
            "effects": "Misdiagnosis",
            "initial_likelihood": "High",
            "initial_severity": "Major",
            "controls": "Validated NHS numbers only",
            "residual_likelihood": "Low",
            "residual_severity": "Major",
            "owner": "CSO",
            "status": "Open",
        },
        actor=member,
    )
    return {"hazard": hazard.pk}, {"hazard": description}


def _people(application: Application, member, organisation: Organisation):
    """The member leads the organisation, with a colleague, an invitation waiting and the
    colleague's password reset."""
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    colleague = make_member(application.organisation, f"colleague@{organisation.domain}")
    invited = f"invited@{organisation.domain}"
    invite_token = f"matrix-token-for-an-invitation-{organisation.word}"
    invitation = Invitation.objects.create(
        email=invited,
        organisation=application.organisation,
        invited_by=member,
        token_hash=token_hash(invite_token),
        expires_at=timezone.now() + timedelta(days=7),
    )
    reset_token = f"matrix-token-for-a-password-reset-{organisation.word}"
    PasswordReset.objects.create(
        user=colleague,
        token_hash=token_hash(reset_token),
        password_fingerprint=password_fingerprint(colleague),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return (
        {
            "membership": colleague.membership.pk,
            "invitation": invitation.pk,
            "invite_token": invite_token,
            "reset_token": reset_token,
        },
        {"colleague": colleague.email, "invited": invited},
    )
