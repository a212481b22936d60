"""The control characters the tests feed the importers and look for in what they export (ADR 0007),
what of them a database can store (storable), and a certificate to carry them in its names."""

import re

from django.db import connection

# U+0000-U+001F but tab, line feed and carriage return, then DEL and the C1 controls.
CONTROL_CHARACTERS = [
    chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"
]
ANY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def named(character: str) -> str:
    return f"U+{ord(character):04X}"


EVERY_CONTROL = "".join(CONTROL_CHARACTERS)


def storable(text: str) -> str:
    """`text` as the database can hold it: PostgreSQL refuses a NUL, so no stored row has one."""
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text


def certificate_named(organisation_name: str):
    """A certificate whose subject holds `organisation_name`, valid for a day."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    from tests.certificates import factory

    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name),
                    x509.NameAttribute(NameOID.COMMON_NAME, "pacs-one.supplier.example"),
                ]
            )
        )
        .issuer_name(
            x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"CA of {organisation_name}")])
        )
        .public_key(factory.ec_key().public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(factory.ec_key(), hashes.SHA256())
    )
