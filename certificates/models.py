"""The certificate register: the mTLS client certificates a supplier's product uses with NIR.

Only the public certificate is kept (its DER bytes, a few KB); a file holding a private key is
refused before anything of it is stored (certificates/parsing.py, ADR 0015)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class KeyType(models.TextChoices):
    RSA = "rsa", "RSA"
    EC = "ec", "Elliptic curve"
    ED25519 = "ed25519", "Ed25519"
    ED448 = "ed448", "Ed448"


class Certificate(models.Model):
    """One public certificate uploaded by a member of a supplier organisation.

    Everything but `replaced_by`, `withdrawn_at` and `withdrawn_by` is fixed when the row is
    written: a renewed certificate is a new row that replaces the old one (ADR 0015)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="certificates"
    )
    # The product (and version) that presents this certificate to NIR, in the supplier's words.
    product_name = models.CharField(max_length=200, blank=True)
    subject = models.TextField()
    issuer = models.TextField()
    # Upper-case hexadecimal, without separators.
    serial = models.CharField(max_length=80)
    # SHA-256 of the DER bytes, upper-case hexadecimal without separators.
    fingerprint_sha256 = models.CharField(max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    key_type = models.CharField(max_length=10, choices=KeyType.choices)
    key_size = models.PositiveIntegerField()
    der = models.BinaryField()
    original_name = models.CharField(max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The later certificate of the same subject that renewed this one.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    # Taken out of the register by the supplier (no longer used with NIR): not watched any more.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["not_after", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint_sha256"],
                name="certificate_once_per_organisation",
            )
        ]
        indexes = [models.Index(fields=["not_after"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"

    @property
    def fingerprint_display(self) -> str:
        """AB:CD:…, as browsers and openssl show it."""
        value = self.fingerprint_sha256
        return ":".join(value[i : i + 2] for i in range(0, len(value), 2))

    @property
    def key_display(self) -> str:
        return f"{self.get_key_type_display()} {self.key_size}-bit"
