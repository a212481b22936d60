"""The authorization matrix's world (tests/web/test_authorization_matrix.py): one of every object
a URL names, all belonging to organisation A, so that each URL can be asked of every role.

Organisation A's supplier application is submitted, with a reviewer's hold, a document request,
an accepted evidence file, a key person asked to attest, a certificate, a hazard in its log, a
colleague, an invitation, a password reset and a staff invitation. Tokens are fixed strings: only
their hashes are stored, as the service stores them."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Invitation, Membership, PasswordReset, UserKind, password_fingerprint
from accounts.services import user_create
from applications.models import Application
from attestations.models import KeyPerson
from certificates.models import Certificate
from core.tokens import token_hash
from evidence.services import evidence_store
from evidence.upload import quarantine_file
from hazards.services import hazard_add
from tests.answer_sets import SUPPLIER
from tests.api_tokens import token_made
from tests.conftest import PASSWORD
from tests.web.conftest import make_member
from workflow.documents import document_request_create
from workflow.models import HoldOrigin
from workflow.review import reviewer_hold_raise

ATTESTATION_TOKEN = "matrix-token-for-the-named-person"
INVITATION_TOKEN = "matrix-token-for-an-invitation"
RESET_TOKEN = "matrix-token-for-a-password-reset"
STAFF_INVITATION_TOKEN = "matrix-token-for-a-staff-invitation"


def matrix_world(*, applicant, member, outsider, reviewer, settings, tmp_path) -> dict[str, Any]:
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    administrator = user_create(
        email="admin@england.example", password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )
    return {
        "users": {
            "member_a": member,
            "member_b": outsider,
            "reviewer": reviewer,
            "administrator": administrator,
        },
        "values": {
            "app": application.pk,
            "organisation": application.organisation.pk,
            "staff_user": reviewer.pk,
            **_review(application, reviewer),
            **_evidence(application, member, settings, tmp_path),
            **_attestation(application, member),
            **_certificate(application, member),
            **_people(application, member),
            **_controller(application, member),
            **_hazard(application, member),
            "api_token": token_made(user=member, name="matrix", days=7).token.pk,
        },
    }


def _review(application: Application, reviewer) -> dict[str, Any]:
    hold = reviewer_hold_raise(
        application=application,
        actor=reviewer,
        expected_version=application.stage2_version,
        reason="Checking",
    )
    assert hold.origin == HoldOrigin.REVIEWER
    document = document_request_create(
        application=application,
        actor=reviewer,
        title="Hazard log",
        note="",
        due_date=date(2026, 12, 31),
        expected_version=Application.objects.get().stage2_version,
    )
    return {"hold": hold.pk, "doc": document.pk}


def _evidence(application: Application, member, settings, tmp_path) -> dict[str, Any]:
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.CLAMD_ADDRESS = ""
    evidence = evidence_store(
        application=application,
        purpose="question:c_aup",
        received=quarantine_file(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), original_name="aup.pdf"),
        actor=member,
    )
    return {"evidence": evidence.pk}


def _attestation(application: Application, member) -> dict[str, Any]:
    person = KeyPerson.objects.create(
        application=application,
        role="cso",
        full_name="Dr Ada Lovelace",
        job_title="Clinical Safety Officer",
        email="ada.lovelace@northern.example",
        professional_body="General Medical Council",
        registration_number="1234567",
    )
    attestation = application.attestations.create(
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
        token_hash=token_hash(ATTESTATION_TOKEN),
        requested_by=member,
    )
    return {"person": person.pk, "attestation": attestation.pk, "token": ATTESTATION_TOKEN}


def _certificate(application: Application, member) -> dict[str, Any]:
    certificate = Certificate.objects.create(
        organisation=application.organisation,
        subject="CN=pacs-one.supplier.example",
        issuer="CN=Test Issuing CA",
        serial="C0FFEE",
        fingerprint_sha256="AB" * 32,
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2027, 1, 1, tzinfo=UTC),
        key_type="rsa",
        key_size=2048,
        der=b"0",
        uploaded_by=member,
    )
    return {"certificate": certificate.pk}


def _controller(application: Application, member) -> dict[str, Any]:
    """A second application of organisation A, as a Data Controller: the NHS number checker's."""
    controller = Application.objects.create(
        organisation=application.organisation, scope="both", role="controller", created_by=member
    )
    return {"controller_app": controller.pk}


def _hazard(application: Application, member) -> dict[str, Any]:
    """A hazard in the supplier application's log, for its change and remove pages."""
    hazard = hazard_add(
        application=application,
        values={
            "reference": "H-001",
            "description": "Wrong patient's images shown",
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
    return {"hazard": hazard.pk}


def _people(application: Application, member) -> dict[str, Any]:
    """Member A leads the organisation, with a colleague, an invitation waiting, the colleague's
    password reset, and a staff invitation."""
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    colleague = make_member(application.organisation, "colleague@northern.example")
    invitation = Invitation.objects.create(
        email="invited@northern.example",
        organisation=application.organisation,
        invited_by=member,
        token_hash=token_hash(INVITATION_TOKEN),
        expires_at=timezone.now() + timedelta(days=7),
    )
    PasswordReset.objects.create(
        user=colleague,
        token_hash=token_hash(RESET_TOKEN),
        password_fingerprint=password_fingerprint(colleague),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    staff_invitation = Invitation.objects.create(
        email="new.reviewer@england.example",
        kind=UserKind.REVIEWER,
        invited_by=None,
        token_hash=token_hash(STAFF_INVITATION_TOKEN),
        expires_at=timezone.now() + timedelta(days=7),
    )
    return {
        "membership": colleague.membership.pk,
        "invitation": invitation.pk,
        "invite_token": INVITATION_TOKEN,
        "reset_token": RESET_TOKEN,
        "staff_invitation": staff_invitation.pk,
    }
