"""The refusal the applicant's attestation and key people services raise (its own module, so
that the hazard log's rules, which the attestation services use, can raise it too)."""

from __future__ import annotations

import uuid


class AttestationRefused(Exception):
    """The change cannot be made now; the message says why, in words to show, and
    ``attestation_id`` which statement it is about, when it is about one."""

    def __init__(self, message: str, attestation_id: uuid.UUID | None = None) -> None:
        super().__init__(message)
        self.attestation_id = attestation_id
