"""Writes to the certificate register. Every outcome is in the audit log."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import Auditor
from core.text import clean_text
from evidence.models import ScanStatus
from evidence.refusals import EMPTY, TRY_AGAIN, VIRUS, EvidenceRefused
from evidence.scanning import evidence_scan
from evidence.upload import Received

from . import refusals
from .models import Certificate
from .parsing import ParsedCertificate, certificate_parse, contains_private_key
from .upload import CERTIFICATE_MAX_BYTES, too_large_message

if TYPE_CHECKING:
    from accounts.models import Organisation, User

logger = logging.getLogger(__name__)

PRODUCT_NAME_MAX = 200


@dataclass(frozen=True)
class Stored:
    certificate: Certificate
    # False when the same certificate was already in the register (a double submit, or the
    # same file twice): nothing new was written.
    created: bool
    # True when it had been withdrawn and this upload put it back in the register.
    reinstated: bool = False


def _judge(received: Received) -> ParsedCertificate:
    """Read, refuse or parse the quarantined file. A private key is refused before the file is
    sent anywhere (not even to the scanner); anything else is scanned before it is parsed."""
    if received.size == 0:
        raise EvidenceRefused(EMPTY, reason="the file has no bytes")
    if received.size >= CERTIFICATE_MAX_BYTES:
        raise EvidenceRefused(too_large_message(), reason=f"{received.size} bytes")
    data = received.path.read_bytes()
    if contains_private_key(data):
        raise EvidenceRefused(refusals.PRIVATE_KEY, reason="a private key")
    outcome = evidence_scan(received.path)
    if outcome.status == ScanStatus.INFECTED:
        raise EvidenceRefused(VIRUS, reason=outcome.result)
    if outcome.status == ScanStatus.PENDING:
        raise EvidenceRefused(TRY_AGAIN, reason=outcome.result)
    return certificate_parse(data, now=timezone.now())


def certificate_store(
    *, organisation: Organisation, received: Received, actor: User | None, product_name: str = ""
) -> Stored:
    """Judge a received certificate file and, when it passes, add it to `organisation`'s register.

    Guarantees:
    - The received file is deleted from quarantine when this returns or raises, whatever
      happened: only the parsed public certificate (its DER bytes) is ever kept, never the file.
    - Refused (EvidenceRefused, no row written, "certificate.refuse" audited with the reason,
      never the file's bytes or hash): empty, too large, holding a private key in any form,
      infected, unscanned because the scanner gave no verdict ("try again"), not exactly one
      X.509 certificate, expired, not yet valid, or a weak or unsupported key.
    - The same certificate (by SHA-256 fingerprint) twice in one organisation is written once:
      the second upload returns the first row with created=False. A withdrawn one is put back in
      the register (reinstated=True, "certificate.reinstate" audited, once).
    - Otherwise the row is written and "certificate.add" audited in one transaction.
    """
    auditor = Auditor(actor)
    product_name = clean_text(product_name).strip()[:PRODUCT_NAME_MAX]
    try:
        parsed = _judge(received)
    except EvidenceRefused as refused:
        auditor.record(
            action="certificate.refuse",
            obj=organisation,
            subject="certificate",
            organisation=organisation,
            after={
                "original_name": received.original_name,
                "size": received.size,
                "message": refused.message,
                "reason": refused.reason,
            },
        )
        raise
    finally:
        received.discard()
    # The names as the register keeps text (ADR 0007): a DN may hold control characters.
    subject, issuer = clean_text(parsed.subject), clean_text(parsed.issuer)

    existing = Certificate.objects.filter(
        organisation=organisation, fingerprint_sha256=parsed.fingerprint_sha256
    ).first()
    if existing is not None:
        return Stored(
            existing,
            created=False,
            reinstated=existing.withdrawn_at is not None and _reinstate(existing, actor),
        )
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                organisation=organisation,
                product_name=product_name,
                subject=subject,
                issuer=issuer,
                serial=parsed.serial,
                fingerprint_sha256=parsed.fingerprint_sha256,
                not_before=parsed.not_before,
                not_after=parsed.not_after,
                key_type=parsed.key_type,
                key_size=parsed.key_size,
                der=parsed.der,
                original_name=received.original_name[:1000],
                uploaded_by=actor,
            )
            auditor.record(
                action="certificate.add",
                obj=certificate,
                subject=subject,
                organisation=organisation,
                after={
                    "subject": subject,
                    "issuer": issuer,
                    "serial": parsed.serial,
                    "fingerprint_sha256": parsed.fingerprint_sha256,
                    "not_before": parsed.not_before.isoformat(),
                    "not_after": parsed.not_after.isoformat(),
                    "key": f"{parsed.key_type} {parsed.key_size}",
                    "product_name": product_name,
                },
            )
    except IntegrityError:
        # The same certificate, uploaded at the same moment in another request.
        existing = Certificate.objects.get(
            organisation=organisation, fingerprint_sha256=parsed.fingerprint_sha256
        )
        return Stored(existing, created=False)
    return Stored(certificate, created=True)


def _reinstate(certificate: Certificate, actor: User | None) -> bool:
    """Put a withdrawn certificate back in the register; False if another request just did."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().defer("der").get(pk=certificate.pk)
        if locked.withdrawn_at is None:
            return False
        Auditor(actor).record(
            action="certificate.reinstate",
            obj=locked,
            subject=locked.subject,
            organisation=locked.organisation,
            before={"withdrawn_at": locked.withdrawn_at.isoformat()},
            after={"withdrawn_at": None},
        )
        locked.withdrawn_at = None
        locked.withdrawn_by = None
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    certificate.withdrawn_at = certificate.withdrawn_by = None
    return True


def certificate_withdraw(*, certificate: Certificate, actor: User) -> bool:
    """Take a certificate out of the register: it is kept, marked withdrawn, and no longer
    warned about or held for. True if this call withdrew it; False if it already was (a double
    submit). Audited "certificate.withdraw"."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().defer("der").get(pk=certificate.pk)
        if locked.withdrawn_at is not None:
            return False
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        Auditor(actor).record(
            action="certificate.withdraw",
            obj=locked,
            subject=locked.subject,
            organisation=locked.organisation,
            after={"withdrawn_at": locked.withdrawn_at.isoformat()},
        )
    return True
