"""The signed assurance pack of an approved Stage 2 (ADR 0026): who may download it (audited),
what it holds, and that verification catches a changed byte in any part, a changed manifest or
signature, a doctored audit entry, and the wrong key."""

import base64
import hashlib
import io
import json
import re
import warnings
import zipfile

import pypdfium2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from core.checks import check_assurance_signing_key
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer
from workflow.assurance_pack.audience import WITHHELD, Audience
from workflow.assurance_pack.pack import (
    MANIFEST,
    SIGNATURE,
    PackMismatch,
    load_public_key,
    pack_build,
    public_key_pem,
    verify_pack,
)

KEY = Ed25519PrivateKey.generate()
KEY_SETTING = base64.b64encode(KEY.private_bytes_raw()).decode()


@pytest.fixture(autouse=True)
def signing_key_set(settings):
    settings.ASSURANCE_SIGNING_KEY = KEY_SETTING


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


@pytest.fixture
def approved(submitted, reviewer):
    attest_all(submitted)
    desk = Reviewer(signed_in(reviewer), submitted)
    assert desk.post("/start").status_code == 302
    assert desk.post("/approve").status_code == 302
    submitted.refresh_from_db()
    assert submitted.stage2_state == Stage2State.APPROVED
    return submitted


def published_key():
    response = Client().get("/.well-known/nir-assurance-pack-key.pem")
    assert response.status_code == 200
    return load_public_key(response.content)


def parts_of(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_byte_changed(content, name, at=None):
    parts = parts_of(content)
    data = bytearray(parts[name])
    index = len(data) // 2 if at is None else at
    data[index] ^= 0x01
    parts[name] = bytes(data)
    return zipped(parts)


def test_the_organisation_and_staff_download_it_audited_and_it_verifies_with_the_published_key(
    approved, applicant, member, reviewer, outsider
):
    url = f"/applications/{approved.pk}/assurance-pack.zip"
    assert "assurance-pack.zip" in applicant.client.get(applicant.application_url).content.decode()
    ours = applicant.client.get(url)
    theirs = signed_in(reviewer).get(f"/review/applications/{approved.pk}/assurance-pack.zip")
    for response in (ours, theirs):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        manifest = verify_pack(response.content, published_key())
        assert manifest["reference"] == approved.reference
    assert signed_in(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in
    downloads = AuditEntry.objects.filter(action="assurance_pack.download")
    assert downloads.count() == 2
    assert sorted(d.actor_id for d in downloads) == sorted([member.pk, reviewer.pk])
    assert {d.object_id for d in downloads} == {str(approved.pk)}


def test_there_is_no_pack_before_stage_2_is_approved(submitted, applicant):
    response = applicant.client.get(f"/applications/{submitted.pk}/assurance-pack.zip")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="assurance_pack.download").exists()


def test_it_holds_the_answers_decision_and_audit_chain(approved, reviewer):
    parts = parts_of(pack_build(approved, audience=Audience.NHS_ENGLAND).content)
    assert set(parts) == {"summary.pdf", "application.json", "audit.json", MANIFEST, SIGNATURE}
    data = json.loads(parts["application.json"])
    assert data["organisation"] == {"name": "Northern Imaging Trust", "ods_code": "RNI"}
    assert data["decision"]["by"] == reviewer.email
    assert [a["question_id"] for a in data["answers"]] == [q for q, _ in SUPPLIER]
    assert data["answers"][0]["answer"][0] == "Data Processor (Supplier)"
    audit = json.loads(parts["audit.json"])
    assert "submission.record" in {e["action"] for e in audit}
    assert all(len(e["entry_hash"]) == 64 and len(e["previous_hash"]) == 64 for e in audit)
    manifest = json.loads(parts[MANIFEST])
    assert set(manifest["parts"]) == {"summary.pdf", "application.json", "audit.json"}
    text = "".join(
        page.get_textpage().get_text_bounded()
        for page in pypdfium2.PdfDocument(parts["summary.pdf"])
    )
    for words in ("Northern Imaging Trust", "Stage 2 approved", reviewer.email, "PACS One"):
        assert words in text, words


def pdf_text(pdf):
    return "".join(page.get_textpage().get_text_bounded() for page in pypdfium2.PdfDocument(pdf))


def every_part_as_text(content):
    parts = parts_of(content)
    text = {name: data.decode("utf-8", "replace") for name, data in parts.items()}
    text["summary.pdf"] = pdf_text(parts["summary.pdf"])
    return text


def test_a_reviewers_address_the_organisation_typed_is_still_withheld(applicant, reviewer):
    """Found by review: an address the organisation typed counted as one it may see, so
    inviting a guessed reviewer's address, or typing it into an answer, showed in the pack
    whether that person had reviewed the application."""
    from accounts.models import Invitation

    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attest_all(application)
    Invitation.objects.create(
        organisation=application.organisation,
        email=reviewer.email,
        token_hash="0" * 64,
        expires_at=application.created_at,
    )
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    assert desk.post("/approve").status_code == 302
    ours = applicant.client.get(f"/applications/{application.pk}/assurance-pack.zip")
    assert ours.status_code == 200
    for name, words in every_part_as_text(ours.content).items():
        assert reviewer.email not in words, name


def test_the_organisations_pack_names_no_one_from_nhs_england_it_would_not_see_on_its_pages(
    applicant, member, reviewer
):
    """Issue 22, finding 5: the applicant's pack held every reviewer's email address (the
    notifications of the submission, the review's assignment, the decision). The applicant's
    pages name no one from NHS England, and neither does their pack; their own people stay."""
    from accounts.models import UserKind
    from accounts.services import user_create

    bystander = user_create(
        email="never.involved@england.example",
        password="a long enough password 1",
        kind=UserKind.REVIEWER,
        actor=None,
    )
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attested = attest_all(application)
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    assert desk.post("/approve").status_code == 302
    page = applicant.client.get(applicant.application_url).content.decode()
    for email in (reviewer.email, bystander.email):
        assert email not in page
    ours = applicant.client.get(f"/applications/{application.pk}/assurance-pack.zip")
    assert ours.status_code == 200
    text = every_part_as_text(ours.content)
    for name, words in text.items():
        for email in (reviewer.email, bystander.email):
            assert email not in words, (name, email)
    assert member.email in text["application.json"] and member.email in text["summary.pdf"]
    assert attested[0].email in text["audit.json"]
    assert "Stage 2 approved by NHS England on" in " ".join(text["summary.pdf"].split())
    verify_pack(ours.content, published_key())
    # The entries that named NHS England's people say so; those naming only the organisation's
    # own people are whole, and their hashes still checked.
    audit = json.loads(text["audit.json"])
    withheld = [e for e in audit if e.get("withheld")]
    assert {e["action"] for e in withheld} == {
        "notification.queue",  # the submission, told to every reviewer
        "review.assign",  # who took the review
        "application.stage2_transition",  # "Review started by …", "Stage 2 approved by …"
    }
    assert all(WITHHELD in json.dumps(e) for e in withheld)
    told = [e for e in audit if e["action"] == "notification.queue" and not e.get("withheld")]
    assert any(member.email in e["after"]["recipients"] for e in told)
    # NHS England's own copy still names who decided.
    theirs = signed_in(reviewer).get(f"/review/applications/{application.pk}/assurance-pack.zip")
    assert reviewer.email in every_part_as_text(theirs.content)["summary.pdf"]
    verify_pack(theirs.content, published_key())


@pytest.mark.parametrize("name", ["summary.pdf", "application.json", "audit.json"])
def test_a_byte_changed_in_any_part_is_caught_and_named(approved, name):
    content = with_byte_changed(pack_build(approved).content, name)
    with pytest.raises(PackMismatch, match=f"^{name}: its SHA-256"):
        verify_pack(content, KEY.public_key())


@pytest.mark.parametrize("name", [MANIFEST, SIGNATURE])
def test_a_changed_manifest_or_signature_fails_the_signature(approved, name):
    content = with_byte_changed(pack_build(approved).content, name, at=5)
    with pytest.raises(PackMismatch, match="manifest.sig does not verify"):
        verify_pack(content, KEY.public_key())


def test_an_audit_entry_changed_and_the_manifest_signed_again_is_caught_by_its_hash(approved):
    """Even with the signing key, an audit entry cannot be altered: its chain hash says so."""
    parts = parts_of(pack_build(approved).content)
    audit = json.loads(parts["audit.json"])
    audit[0]["action"] = "nothing.happened"
    parts["audit.json"] = json.dumps(audit).encode()
    manifest = json.loads(parts[MANIFEST])
    manifest["parts"]["audit.json"] = hashlib.sha256(parts["audit.json"]).hexdigest()
    parts[MANIFEST] = json.dumps(manifest).encode()
    parts[SIGNATURE] = base64.b64encode(KEY.sign(parts[MANIFEST]))
    with pytest.raises(PackMismatch, match=f"entry {audit[0]['sequence']} does not match"):
        verify_pack(zipped(parts), KEY.public_key())


def test_nhs_englands_copy_with_an_entry_marked_withheld_is_refused(approved):
    """Only the organisation's copy withholds addresses: an entry of NHS England's copy marked
    withheld (so as to skip its hash) is a forgery, even signed again with the key."""
    parts = parts_of(pack_build(approved, audience=Audience.NHS_ENGLAND).content)
    audit = json.loads(parts["audit.json"])
    audit[0] = {**audit[0], "action": "nothing.happened", "withheld": True}
    parts["audit.json"] = json.dumps(audit).encode()
    manifest = json.loads(parts[MANIFEST])
    manifest["parts"]["audit.json"] = hashlib.sha256(parts["audit.json"]).hexdigest()
    parts[MANIFEST] = json.dumps(manifest).encode()
    parts[SIGNATURE] = base64.b64encode(KEY.sign(parts[MANIFEST]))
    with pytest.raises(PackMismatch, match=f"entry {audit[0]['sequence']} is marked withheld"):
        verify_pack(zipped(parts), KEY.public_key())


def test_a_pack_signed_with_another_key_is_refused(approved):
    content = pack_build(approved, key=Ed25519PrivateKey.generate()).content
    with pytest.raises(PackMismatch, match="does not verify"):
        verify_pack(content, KEY.public_key())


def test_verify_pack_command_says_verified_or_exits_non_zero_naming_the_mismatch(
    approved, tmp_path, capsys
):
    good = tmp_path / "pack.zip"
    good.write_bytes(pack_build(approved).content)
    call_command("verify_pack", str(good))
    out = capsys.readouterr().out
    assert "verified" in out
    # The organisation's copy: the entries naming NHS England's people are not checkable here.
    assert re.search(r"\n\d+ audit entries have an email address withheld from this reader", out)
    theirs = tmp_path / "theirs.zip"
    theirs.write_bytes(pack_build(approved, audience=Audience.NHS_ENGLAND).content)
    call_command("verify_pack", str(theirs))
    assert "withheld" not in capsys.readouterr().out
    bad = tmp_path / "bad.zip"
    bad.write_bytes(with_byte_changed(good.read_bytes(), "application.json"))
    with pytest.raises(CommandError, match="application.json: its SHA-256"):
        call_command("verify_pack", str(bad))
    other = tmp_path / "other.pem"
    other.write_bytes(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_pack", str(good), "--public-key", str(other))


def test_production_refuses_a_missing_or_unreadable_key(settings):
    settings.IS_PRODUCTION = True
    settings.ASSURANCE_SIGNING_KEY = ""
    assert "must be set in production" in check_assurance_signing_key()
    settings.ASSURANCE_SIGNING_KEY = "not a key"
    assert "is not an Ed25519 private key" in check_assurance_signing_key()
    settings.ASSURANCE_SIGNING_KEY = KEY_SETTING
    assert check_assurance_signing_key() is None


def test_a_missing_part_is_named(approved):
    for name in ("summary.pdf", "application.json", "audit.json", MANIFEST, SIGNATURE):
        parts = parts_of(pack_build(approved).content)
        del parts[name]
        with pytest.raises(PackMismatch, match=f"^{name} is missing"):
            verify_pack(zipped(parts), KEY.public_key())


def test_an_extra_part_is_named(approved):
    parts = parts_of(pack_build(approved).content)
    parts["readme.txt"] = b"trust me"
    with pytest.raises(PackMismatch, match="^readme.txt is not in the manifest"):
        verify_pack(zipped(parts), KEY.public_key())


def test_a_part_twice_in_the_zip_is_refused_whichever_copy_a_reader_would_open(approved):
    """A zip may hold two entries of one name: a reader opens one, the checker another. A pack
    with a forged summary.pdf beside the signed one must not verify, in either order."""
    parts = parts_of(pack_build(approved).content)
    for forged_first in (True, False):
        buffer = io.BytesIO()
        with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
            if forged_first:
                archive.writestr("summary.pdf", b"%PDF-1.4 forged")
            for name, data in parts.items():
                archive.writestr(name, data)
            if not forged_first:
                archive.writestr("summary.pdf", b"%PDF-1.4 forged")
        with pytest.raises(PackMismatch, match="^summary.pdf is in the zip more than once"):
            verify_pack(buffer.getvalue(), KEY.public_key())


def test_a_part_larger_than_any_pack_holds_is_refused_unread(approved, monkeypatch):
    from workflow.assurance_pack import pack as assurance_pack

    monkeypatch.setattr(assurance_pack, "MAX_PART_BYTES", 1000)
    with pytest.raises(PackMismatch, match="^summary.pdf is larger than"):
        verify_pack(pack_build(approved).content, KEY.public_key())


def test_verify_pack_command_names_a_public_key_that_is_not_ed25519(approved, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

    good = tmp_path / "pack.zip"
    good.write_bytes(pack_build(approved).content)
    other = tmp_path / "ec.pem"
    other.write_bytes(
        generate_private_key(SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(CommandError, match="not Ed25519"):
        call_command("verify_pack", str(good), "--public-key", str(other))


def test_the_summary_never_drops_a_character_silently(approved):
    """Text the PDF's fonts cannot draw (here Chinese and an emoji, beside Hebrew and Greek that
    a fallback font may draw) was left out without a trace, so the signed summary said
    something other than the answer. Each character is drawn or shown as ?, and the summary
    then says so and points to application.json."""
    from workflow.assurance_pack.pack import pack_data
    from workflow.assurance_pack.pdf import summary_pdf

    data = pack_data(approved)
    data["answers"][5]["answer"] = ["Dr Ada 中文 Lovelace 😀 end", "tab\there"]
    pdf = pypdfium2.PdfDocument(summary_pdf(data))
    text = " ".join(page.get_textpage().get_text_bounded() for page in pdf).replace("\r", "")
    assert re.search(r"Dr Ada (中文|\?\?) Lovelace (😀|\?) end", text), text[-2000:]
    assert "tab here" in text
    if "?" in re.search(r"Dr Ada .* end", text).group(0):
        assert "application.json holds every answer exactly" in " ".join(text.split())


def test_the_audit_holds_who_answered_attested_and_submitted_and_no_internal_comment(
    approved, reviewer
):
    """Issue 11: the application's audit entries. The answers' history, the submission and the
    attestations approval rested on are the application's too; an internal comment is not the
    organisation's to read, and an entry about another object with the same id is not ours."""
    from attestations.models import Attestation
    from audit.services import append_entry
    from questionnaire.models import Answer
    from workflow.decisions.comments import review_comment_add

    review_comment_add(
        application=approved, actor=reviewer, text="Internal words", visibility="internal"
    )
    answer = Answer.objects.filter(response__application=approved).order_by("pk").first()
    # An entry about a user whose id happens to be an answer's: not about this application.
    append_entry(
        actor=None,
        action="user.lookalike",
        object_type="accounts.User",
        object_id=str(answer.pk),
    )
    audit = json.loads(parts_of(pack_build(approved).content)["audit.json"])
    seen = {(e["object_type"], e["object_id"], e["action"]) for e in audit}
    answers = Answer.objects.filter(response__application=approved)
    for each in answers:
        assert ("questionnaire.Answer", str(each.pk), "answer.create") in seen, each.question_id
    assert any(action == "response.submit" for _, _, action in seen)
    for attestation in Attestation.objects.filter(application=approved):
        assert ("attestations.Attestation", str(attestation.pk), "attestation.attest") in seen
    assert "Internal words" not in json.dumps(audit)
    assert not any(t == "workflow.ReviewComment" for t, _, _ in seen)
    assert ("accounts.User", str(answer.pk), "user.lookalike") not in seen
    assert verify_pack(pack_build(approved).content, KEY.public_key())


def test_a_pause_after_approval_keeps_the_pack_and_names_the_approval_as_the_decision(
    approved, applicant, reviewer
):
    """Stage 2 approved stays approved while a hold pauses onboarding (a DSPT lapse, a
    reviewer's concern): the pack was a 404 then. And lifting the hold moves Stage 2 back to
    approved: the pack then named whoever lifted it, when, as the decision."""
    from applications.states import Stage2State
    from workflow.decisions.review import reviewer_hold_lift, reviewer_hold_raise

    approval = approved.stage2_transitions.get(
        from_state=Stage2State.IN_REVIEW, to_state=Stage2State.APPROVED
    )
    hold = reviewer_hold_raise(
        application=approved,
        actor=reviewer,
        expected_version=approved.stage2_version,
        reason="The DPIA needs a second look",
    )
    approved.refresh_from_db()
    assert approved.stage2_state == Stage2State.PAUSED
    response = applicant.client.get(f"/applications/{approved.pk}/assurance-pack.zip")
    assert response.status_code == 200
    data = json.loads(parts_of(response.content)["application.json"])
    assert [(h["reason"], h["lifted_at"]) for h in data["holds"]] == [
        ("The DPIA needs a second look", None)
    ]
    reviewer_hold_lift(
        application=approved,
        hold_id=str(hold.pk),
        actor=reviewer,
        expected_version=approved.stage2_version,
        reason="Checked",
    )
    approved.refresh_from_db()
    assert approved.stage2_state == Stage2State.APPROVED
    pack = pack_build(approved, audience=Audience.NHS_ENGLAND)
    data = json.loads(parts_of(pack.content)["application.json"])
    assert data["decision"]["by"] == reviewer.email
    assert data["decision"]["at"] == approval.at.isoformat()


def test_the_summary_names_who_raised_a_hold_in_words_not_a_code(approved, reviewer):
    from workflow.decisions.review import reviewer_hold_raise

    reviewer_hold_raise(
        application=approved,
        actor=reviewer,
        expected_version=approved.stage2_version,
        reason="The DPIA needs a second look",
    )
    pdf = parts_of(pack_build(approved).content)["summary.pdf"]
    text = " ".join(
        " ".join(page.get_textpage().get_text_bounded().split())
        for page in pypdfium2.PdfDocument(pdf)
    )
    assert "Hold raised by NHS England on" in text and "(reviewer)" not in text
    assert "The DPIA needs a second look" in text
