"""Parsing and judging a certificate file, with certificates and keys made by `cryptography`."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from certificates import refusals
from certificates.parsing import certificate_parse, contains_private_key
from evidence.refusals import EMPTY, EvidenceRefused
from tests.certificates import factory

NOW = datetime.now(UTC)


def refusal(data: bytes) -> str:
    with pytest.raises(EvidenceRefused) as caught:
        certificate_parse(data, now=NOW)
    return caught.value.message


def test_a_valid_pem_certificate_gives_every_field():
    certificate = factory.make_certificate(serial=0xC0FFEE)
    parsed = certificate_parse(factory.pem(certificate), now=NOW)
    assert parsed.subject == "CN=pacs-one.supplier.example,O=Demo Imaging Systems Ltd"
    assert parsed.issuer == "CN=Test Issuing CA"
    assert parsed.serial == "C0FFEE"
    assert parsed.key_type == "rsa" and parsed.key_size == 2048
    assert parsed.not_after == certificate.not_valid_after_utc
    assert parsed.not_before == certificate.not_valid_before_utc
    assert parsed.der == factory.der(certificate)
    import hashlib

    assert parsed.fingerprint_sha256 == hashlib.sha256(parsed.der).hexdigest().upper()


def test_der_gives_the_same_as_pem():
    certificate = factory.make_certificate()
    assert certificate_parse(factory.der(certificate), now=NOW) == certificate_parse(
        factory.pem(certificate), now=NOW
    )


def test_an_elliptic_curve_key_of_256_bits_is_accepted_and_under_256_refused():
    p256 = factory.make_certificate(key=factory.ec_key(ec.SECP256R1()))
    parsed = certificate_parse(factory.pem(p256), now=NOW)
    assert (parsed.key_type, parsed.key_size) == ("ec", 256)
    p192 = factory.make_certificate(key=factory.ec_key(ec.SECP192R1()))
    assert refusal(factory.pem(p192)) == refusals.weak_ec(192)


def test_rsa_1024_is_refused():
    weak = factory.make_certificate(key=factory.rsa_key(1024))
    assert refusal(factory.pem(weak)) == (
        "The selected certificate has a 1024-bit RSA key. Upload a certificate with an RSA key "
        "of at least 2048 bits"
    )


def test_an_expired_certificate_is_refused_with_the_day_it_expired():
    expired = factory.make_certificate(
        not_before=datetime(2025, 3, 3, 12, tzinfo=UTC),
        not_after=datetime(2026, 3, 3, 12, tzinfo=UTC),
    )
    assert refusal(factory.pem(expired)) == (
        "The selected certificate expired on 3 March 2026. Upload a current certificate"
    )


def test_a_certificate_not_yet_valid_is_refused():
    later = NOW + timedelta(days=40)
    future = factory.make_certificate(not_before=later, not_after=later + timedelta(days=365))
    london = later.astimezone(ZoneInfo("Europe/London")).date()
    assert refusal(factory.pem(future)) == refusals.not_yet_valid(london)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda c, k: factory.pem(c) + factory.key_pem(k), id="pem-bundle-pkcs8"),
        pytest.param(
            lambda c, k: (
                factory.key_pem(k, serialization.PrivateFormat.TraditionalOpenSSL) + factory.pem(c)
            ),
            id="pem-bundle-rsa-private-key-first",
        ),
        pytest.param(
            lambda c, k: (
                factory.pem(c)
                + factory.key_pem(
                    k, encryption=serialization.BestAvailableEncryption(b"correct horse")
                )
            ),
            id="pem-bundle-encrypted-key",
        ),
        pytest.param(
            lambda c, k: (
                factory.pem(c)
                + factory.key_pem(factory.ec_key(), serialization.PrivateFormat.TraditionalOpenSSL)
            ),
            id="pem-bundle-ec-private-key",
        ),
        pytest.param(lambda c, k: factory.key_der(k), id="der-pkcs8-key"),
        pytest.param(
            lambda c, k: factory.key_der(k, serialization.BestAvailableEncryption(b"secret")),
            id="der-encrypted-pkcs8-key",
        ),
        pytest.param(lambda c, k: factory.pfx(c, k), id="pkcs12"),
        pytest.param(lambda c, k: factory.pfx(c, k, b"secret"), id="pkcs12-with-password"),
    ],
)
def test_anything_holding_a_private_key_is_refused(make):
    certificate = factory.make_certificate()
    data = make(certificate, factory.rsa_key())
    assert contains_private_key(data)
    assert refusal(data) == (
        "The selected file contains a private key. Upload only the public certificate"
    )


def test_a_public_certificate_alone_holds_no_private_key():
    certificate = factory.make_certificate()
    assert not contains_private_key(factory.pem(certificate))
    assert not contains_private_key(factory.der(certificate))


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01garbage bytes \xff\xfe" * 20,
        b"%PDF-1.4\n%%EOF\n",
        b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    ],
    ids=["garbage", "pdf", "pem-of-garbage", "pem-public-key"],
)
def test_a_file_that_is_not_a_certificate_is_refused(data):
    assert refusal(data) == "The selected file must be a certificate in PEM or DER format"


@pytest.mark.parametrize("encode", [bytes, factory.pem_of_der], ids=["der", "pem"])
def test_a_certificate_of_an_unknown_version_is_refused_not_a_server_error(encode):
    """cryptography raises InvalidVersion, not a ValueError, for a version field other than
    v1 to v3 (found by review: a 500 on upload)."""
    certificate = factory.make_certificate()
    data = factory.der(certificate)
    at = data.index(bytes.fromhex("a003020102"))  # [0] EXPLICIT INTEGER 2 (v3)
    assert refusal(encode(data[: at + 4] + b"\x05" + data[at + 5 :])) == (
        "The selected file must be a certificate in PEM or DER format"
    )


def test_an_empty_file_is_refused():
    assert refusal(b"") == EMPTY
    assert refusal(b"  \n") == EMPTY


def test_a_bundle_of_two_certificates_is_refused():
    one, two = factory.make_certificate(), factory.make_certificate(common_name="other")
    assert refusal(factory.pem(one) + factory.pem(two)) == (
        "The selected file must contain only one certificate"
    )


def test_a_public_key_of_an_unknown_algorithm_is_refused():
    unknown = factory.with_key_algorithm(
        factory.make_certificate(), bytes.fromhex("06092a864886f70d01017f")
    )
    assert refusal(unknown) == refusals.UNSUPPORTED_KEY


def test_a_serial_number_longer_than_20_octets_is_refused():
    certificate = factory.make_certificate()
    assert certificate_parse(factory.with_serial(certificate, b"\x7f" * 20), now=NOW).serial == (
        "7F" * 20
    )
    assert refusal(factory.with_serial(certificate, b"\x7f" * 21)) == refusals.SERIAL_TOO_LONG
