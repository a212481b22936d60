"""The signed assurance pack of an approved Stage 2 (ADR 0026).

One zip: ``summary.pdf`` (for people), ``application.json`` (the same data for machines),
``audit.json`` (the application's audit entries with their hash-chain values, ADR 0009),
``manifest.json`` (the SHA-256 of each of those parts and of every evidence file) and
``manifest.sig`` (a detached Ed25519 signature over the manifest's bytes). ``verify_pack``
checks the signature, every part's hash and every audit entry's hash, and names the first
mismatch.

A pack is built for its reader (``pack_audience``): the organisation's copy names no one from
NHS England, NHS England's copy holds everything.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.rules import can_review
from applications.models import Application
from applications.states import Stage2State
from attestations.models import Attestation, AttestationStatus, KeyPerson
from attestations.selectors import attested_by_same_person
from audit.chain import entry_hash
from audit.models import AuditEntry
from audit.services import Auditor
from core.signing import load_public_key as load_public_key
from core.signing import public_key_pem as public_key_pem
from core.signing import signing_key
from core.text import clean_strings, json_controls_escaped
from evidence.status import UploadStatus
from questionnaire.engine.schema import Question
from questionnaire.models import Answer, Response
from questionnaire.selectors import response_for, response_journey
from workflow.assurance_pack.audience import Audience, entries_for, organisation_visible_emails
from workflow.models import ChangeRequest, DocumentRequest, Hold, Submission
from workflow.selectors import stage2_working_state, upload_statuses

FORMAT = "nir-assurance-pack/4"
PARTS = ("summary.pdf", "application.json", "audit.json")
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# No part of a real pack comes near this: a larger entry is refused before it is read (a zip
# bomb handed to verify_pack).
MAX_PART_BYTES = 256 * 1024 * 1024


# --------------------------------------------------------------------------------- the data


def pack_available(application: Application) -> bool:
    """Once Stage 2 is approved; a hold that pauses onboarding afterwards does not undo the
    approval (the pack then shows the hold open)."""
    return stage2_working_state(application) == Stage2State.APPROVED


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def pack_data(
    application: Application, audience: Audience = Audience.ORGANISATION
) -> dict[str, Any]:
    """What the pack says: the approved submission, holds, flags, the decision, evidence. The
    organisation's pages say NHS England decided, never which of its people."""
    submission = application.submissions.order_by("-number").first()
    assert submission is not None, "an approved application has a submission"
    snapshot = submission.snapshot
    # The reviewer's approval: a hold lifted afterwards moves Stage 2 from paused back to
    # approved, and that is not the decision.
    decision = (
        application.stage2_transitions.filter(to_state=Stage2State.APPROVED)
        .exclude(from_state=Stage2State.PAUSED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    holds = Hold.objects.filter(application=application).order_by("raised_at", "pk")
    numbers = {a["question_id"]: a["number"] for a in snapshot["answers"]}
    evidence = list(application.evidence_files.order_by("purpose", "revision"))
    # Answers cannot change once approved, so today's route is the approved one.
    journey = response_journey(response_for(application))
    uploads = upload_statuses(application, journey, evidence)
    decided_by = decision.actor.email if decision and decision.actor else None
    return {
        "format": FORMAT,
        "audience": audience.value,
        "reference": application.reference,
        "organisation": snapshot["organisation"],
        "role": application.role,
        "scope": application.scope,
        "product": snapshot.get("product"),
        "questionnaire": snapshot["questionnaire"],
        "submission": {
            "number": submission.number,
            "submitted_by": snapshot["submitted_by"],
            "submitted_at": snapshot["submitted_at"],
            "sha256": submission.sha256,
        },
        "answers": [
            {
                "number": a["number"],
                "question_id": a["question_id"],
                "wording": a["wording"],
                "answer": a["display"],
                "answered_by": a["answered_by"],
                "answered_at": a["answered_at"],
            }
            for a in snapshot["answers"]
        ],
        "flags": snapshot.get("flags", []),
        "holds": [
            {
                "origin": h.origin,
                "reason": h.reason,
                "action": h.action,
                "raised_at": _iso(h.raised_at),
                "lifted_at": _iso(h.lifted_at),
                "lift_reason": h.lift_reason,
            }
            for h in holds
        ],
        "decision": {
            "decision": "Stage 2 approved",
            "by": decided_by if audience == Audience.NHS_ENGLAND else "NHS England",
            "at": _iso(decision.at) if decision else None,
        },
        "attestations": attestations_data(application, numbers),
        # Each file question on the route, with the one status its pages show (ADR 0030).
        "uploads": [
            upload_data(journey.definition.question(question_id), status)
            for question_id, status in uploads.items()
        ],
        "evidence": [
            {
                "purpose": f.purpose,
                "revision": f.revision,
                "name": f.download_name,
                "size": f.size,
                "sha256": f.sha256,
                "scan_status": f.scan_status,
            }
            for f in evidence
        ],
    }


def upload_data(question: Question, status: UploadStatus) -> dict[str, Any]:
    file = status.file
    return {
        "question_id": question.id,
        "number": question.number,
        "title": question.title,
        "status": status.text,
        "message": status.message,
        "newer": status.newer_note,
        "file": {"name": file.download_name, "revision": file.revision, "sha256": file.sha256}
        if file is not None
        else None,
    }


def attestations_data(application: Application, numbers: dict[str, str]) -> list[dict[str, Any]]:
    """The attestations given, each saying plainly when the person who attested also asked for
    it or gave the answer (ADR 0012). Stage 2 was approved, so they are those it rested on."""
    given = list(
        Attestation.objects.filter(application=application, status=AttestationStatus.ATTESTED)
        .select_related("requested_by", "responded_by")
        .order_by("requested_at", "pk")
    )
    same = attested_by_same_person(application, given)
    return [
        {
            "question_id": a.question_id,
            "number": numbers.get(a.question_id, a.question_id),
            "statement": a.statement,
            "answer_revision": a.answer_revision,
            "name": a.full_name,
            "role": a.get_role_display(),
            "email": a.email,
            "requested_by": a.requested_by.email,
            "attested_by": a.responded_by.email if a.responded_by else None,
            "attested_at": _iso(a.responded_at),
            "same_person": same.get(a.pk),
        }
        for a in given
    ]


def audit_data(application: Application) -> list[dict[str, Any]]:
    """The audit entries about the application and the rows that belong to it, in order: its
    submissions, holds, evidence files, answers and response, attestations and key personnel,
    change and document requests. Never a reviewer's comment (an internal one is NHS England's
    alone)."""
    ids = {str(application.pk)}
    for rows in (
        Submission.objects.filter(application=application),
        Hold.objects.filter(application=application),
        application.evidence_files.all(),
        Attestation.objects.filter(application=application),
        KeyPerson.objects.filter(application=application),
        ChangeRequest.objects.filter(application=application),
        DocumentRequest.objects.filter(application=application),
    ):
        ids |= {str(pk) for pk in rows.values_list("pk", flat=True)}
    # UUIDs name one row whatever the type; a response's and an answer's ids are whole numbers,
    # which other tables' rows share, so those are matched with their type.
    about = Q(object_id__in=ids)
    responses = Response.objects.filter(application=application)
    answers = Answer.objects.filter(response__application=application)
    for model, rows in ((Response, responses), (Answer, answers)):
        keys = [str(pk) for pk in rows.values_list("pk", flat=True)]
        about |= Q(object_type=model._meta.label, object_id__in=keys)
    entries = AuditEntry.objects.filter(about).order_by("sequence")
    return [
        {
            "sequence": e.sequence,
            "at": e.at.isoformat(),
            "actor_id": e.actor_id,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "subject": e.subject,
            "organisation_id": e.organisation_id,
            "before": e.before,
            "after": e.after,
            "previous_hash": e.previous_hash,
            "entry_hash": e.entry_hash,
        }
        for e in entries
    ]


def _json_bytes(value: Any) -> bytes:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return json_controls_escaped(text).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------- the pack


@dataclass(frozen=True)
class Pack:
    filename: str
    content: bytes


def pack_build(
    application: Application,
    *,
    audience: Audience = Audience.ORGANISATION,
    key: Ed25519PrivateKey | None = None,
    now: datetime | None = None,
) -> Pack:
    """The pack as ``audience`` may read it (the organisation's unless said otherwise)."""
    from workflow.assurance_pack.pdf import summary_pdf

    # Written as the service keeps text (ADR 0007): rows stored before their importer cleaned
    # may hold control characters, which the PDF cannot draw. audit.json is left exact: each
    # entry must match its hash, and JSON escapes any character.
    data = clean_strings(pack_data(application, audience))
    entries = audit_data(application)
    visible = (
        organisation_visible_emails(application, data, entries)
        if audience == Audience.ORGANISATION
        else None
    )
    parts = {
        "summary.pdf": summary_pdf(data),
        "application.json": _json_bytes(data),
        "audit.json": _json_bytes(entries_for(audience, entries, visible)),
    }
    manifest = {
        "format": FORMAT,
        "audience": audience.value,
        "reference": application.reference,
        "created_at": (now or timezone.now()).isoformat(),
        "parts": {name: _sha256(content) for name, content in parts.items()},
        "evidence": {f"{e['purpose']}#{e['revision']}": e["sha256"] for e in data["evidence"]},
    }
    manifest_bytes = _json_bytes(manifest)
    signature = (key or signing_key()).sign(manifest_bytes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, base64.b64encode(signature) + b"\n")
    return Pack(f"{application.reference}-assurance-pack.zip", buffer.getvalue())


def pack_download(*, application: Application, actor: User) -> Pack:
    """Build the pack for someone allowed to read the application, as they may read it (NHS
    England's copy for its staff, the organisation's for its members), and audit that they
    did."""
    audience = Audience.NHS_ENGLAND if can_review(actor) else Audience.ORGANISATION
    pack = pack_build(application, audience=audience)
    Auditor(actor).record(
        action="assurance_pack.download",
        obj=application,
        organisation=application.organisation,
        after={"sha256": _sha256(pack.content), "audience": audience.value},
    )
    return pack


# ----------------------------------------------------------------------------- verification


class PackMismatch(Exception):
    """What is wrong with a pack, in words: the first mismatch found."""


def verify_pack(content: bytes, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The pack's manifest when its signature, every part and every audit entry check out;
    otherwise PackMismatch naming the first thing that does not."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
        seen: set[str] = set()
        for entry in entries:
            # Two entries of one name: an unzip tool may show one copy while this reads the
            # other, so a forged part could sit beside the signed one.
            if entry.filename in seen:
                raise PackMismatch(f"{entry.filename} is in the zip more than once")
            seen.add(entry.filename)
            if entry.file_size > MAX_PART_BYTES:
                raise PackMismatch(f"{entry.filename} is larger than any pack's part can be")
        files = {entry.filename: archive.read(entry) for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise PackMismatch(f"not a readable zip: {exc}") from exc
    for name in (MANIFEST, SIGNATURE, *PARTS):
        if name not in files:
            raise PackMismatch(f"{name} is missing")
    try:
        signature = base64.b64decode(files[SIGNATURE].strip(), validate=True)
        public_key.verify(signature, files[MANIFEST])
    except (InvalidSignature, ValueError) as exc:
        raise PackMismatch(f"{SIGNATURE} does not verify {MANIFEST} with this key") from exc
    manifest = json.loads(files[MANIFEST])
    for name in PARTS:
        if _sha256(files[name]) != manifest["parts"].get(name):
            raise PackMismatch(f"{name}: its SHA-256 is not the manifest's")
    extra = sorted(set(files) - {MANIFEST, SIGNATURE, *PARTS})
    if extra:
        raise PackMismatch(f"{extra[0]} is not in the manifest")
    data = json.loads(files["application.json"])
    listed = {f"{e['purpose']}#{e['revision']}": e["sha256"] for e in data["evidence"]}
    if listed != manifest["evidence"]:
        raise PackMismatch("application.json: its evidence hashes are not the manifest's")
    for entry in json.loads(files["audit.json"]):
        if entry.get("withheld") is True:
            # An address the reader may not see was replaced: the hash covers the original,
            # which only NHS England can check (audit_verify). Its own copy withholds nothing.
            if manifest.get("audience") != Audience.ORGANISATION.value:
                raise PackMismatch(f"audit.json: entry {entry['sequence']} is marked withheld")
            continue
        fields = {**entry, "at": datetime.fromisoformat(entry["at"])}
        if entry_hash(SimpleNamespace(**fields), entry["previous_hash"]) != entry["entry_hash"]:
            raise PackMismatch(f"audit.json: entry {entry['sequence']} does not match its hash")
    return manifest


def withheld_count(content: bytes) -> int:
    """How many of a verified pack's audit entries had an address withheld (their hashes could
    not be recomputed from the pack)."""
    entries = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("audit.json"))
    return sum(1 for entry in entries if entry.get("withheld") is True)
