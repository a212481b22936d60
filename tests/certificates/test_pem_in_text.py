"""A PEM certificate inside other text: a byte order mark, OpenSSL's `subject=`/`issuer=` and `Bag
Attributes` lines (what `openssl pkcs12 -nokeys` writes) are accepted; a private key anywhere in
the file, in any form that a person might have concatenated, is still refused (issue 22, finding 6).

Certificates and keys are made with `cryptography` (tests/certificates/factory.py). The real
`openssl` binary's output is used too (CI installs it; locally those tests are skipped without
it), and the tests that never need it write its exact shape (the space after localKeyID too)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from certificates import refusals
from certificates.models import Certificate
from certificates.parsing import certificate_parse, contains_private_key
from evidence.refusals import EvidenceRefused
from tests.certificates import factory
from tests.certificates.test_pages import refused_with, upload
from tests.conftest import missing_prerequisite

NOW = datetime.now(UTC)
BOM = b"\xef\xbb\xbf"
PRIVATE_KEY = "The selected file contains a private key. Upload only the public certificate"


@pytest.fixture
def openssl():
    """The real `openssl` binary: skipped locally without it, a failure under CI=true."""
    if not shutil.which("openssl"):
        missing_prerequisite("the openssl command is not installed: apt-get install openssl")


def refusal(data: bytes) -> str:
    with pytest.raises(EvidenceRefused) as caught:
        certificate_parse(data, now=NOW)
    return caught.value.message


def openssl_nokeys_shape(certificate, *, friendly_name: str = "client") -> bytes:
    """What `openssl pkcs12 -in bundle.pfx -nokeys` (OpenSSL 3) writes for one certificate."""
    key_id = " ".join(f"{octet:02X}" for octet in bytes(range(0xA0, 0xB4)))
    return (
        b"Bag Attributes\n"
        + f"    friendlyName: {friendly_name}\n".encode()
        + f"    localKeyID: {key_id} \n".encode()
        + b"subject=O = Demo Imaging Systems Ltd, CN = pacs-one.supplier.example\n"
        + b"issuer=CN = Test Issuing CA\n"
        + factory.pem(certificate)
    )


def run_openssl(tmp_path: Path, *args: str, data: bytes) -> bytes:
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    return subprocess.run(
        ["openssl", *args, "-in", str(source)], check=True, capture_output=True, timeout=30
    ).stdout


# Accepted ------------------------------------------------------------------------------------


def test_a_pem_certificate_after_a_utf8_byte_order_mark_is_accepted():
    certificate = factory.make_certificate()
    parsed = certificate_parse(BOM + factory.pem(certificate), now=NOW)
    assert parsed.der == factory.der(certificate)
    assert parsed.subject == "CN=pacs-one.supplier.example,O=Demo Imaging Systems Ltd"


def test_the_shape_openssl_pkcs12_nokeys_writes_is_accepted():
    certificate = factory.make_certificate()
    data = openssl_nokeys_shape(certificate)
    assert not contains_private_key(data)
    assert certificate_parse(data, now=NOW).der == factory.der(certificate)


def test_the_real_output_of_openssl_pkcs12_nokeys_is_accepted(openssl, tmp_path):
    certificate = factory.make_certificate()
    bundle = factory.pfx(certificate, factory.rsa_key(), b"bundle password")
    data = run_openssl(
        tmp_path, "pkcs12", "-nokeys", "-passin", "pass:bundle password", data=bundle
    )
    assert data.startswith(b"Bag Attributes\n")
    assert b"\nsubject=" in data and b"\nissuer=" in data
    assert certificate_parse(data, now=NOW).der == factory.der(certificate)


def test_the_real_output_of_openssl_x509_with_its_text_dump_is_accepted(openssl, tmp_path):
    certificate = factory.make_certificate()
    data = run_openssl(tmp_path, "x509", "-text", data=factory.pem(certificate))
    assert data.startswith(b"Certificate:\n")
    assert certificate_parse(data, now=NOW).der == factory.der(certificate)


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda pem, attrs: BOM + attrs, id="bom-then-bag-attributes"),
        pytest.param(
            lambda pem, attrs: BOM + attrs.replace(b"\n", b"\r\n"), id="bom-and-windows-lines"
        ),
        pytest.param(
            lambda pem, attrs: b"Our client certificate for PACS One:\n\n" + pem + b"\nThanks\n",
            id="text-before-and-after",
        ),
        pytest.param(lambda pem, attrs: pem + b"\n# renewed 2026\n", id="text-after"),
        pytest.param(
            lambda pem, attrs: "Certificat client, émis pour l’hôpital\n".encode() + pem,
            id="utf8-text-before",
        ),
        pytest.param(
            lambda pem, attrs: attrs.decode().encode("utf-16"), id="utf16-with-bom-powershell"
        ),
    ],
)
def test_a_certificate_found_anywhere_in_a_text_file_is_accepted(wrap):
    certificate = factory.make_certificate()
    data = wrap(factory.pem(certificate), openssl_nokeys_shape(certificate))
    assert not contains_private_key(data)
    assert certificate_parse(data, now=NOW).der == factory.der(certificate)


def test_two_certificates_in_openssl_shape_are_still_more_than_one():
    one = factory.make_certificate()
    two = factory.make_certificate(common_name="Issuing CA 2")
    data = BOM + openssl_nokeys_shape(one) + openssl_nokeys_shape(two, friendly_name="ca")
    assert refusal(data) == "The selected file must contain only one certificate"


def test_bytes_that_are_not_text_around_the_pem_block_are_refused():
    certificate = factory.make_certificate()
    for data in (
        factory.pem(certificate) + b"\x00\x01\x02\xff\xfe binary trailer",
        b"\x1b[31m" + factory.pem(certificate),
    ):
        assert not contains_private_key(data)
        assert refusal(data) == refusals.NOT_A_CERTIFICATE


@pytest.mark.parametrize(
    "unit",
    [b"-----BEGIN CERTIFICATE-----\n", b"-----BEGIN A-----\n", b"BEGIN ", b"A\n"],
    ids=["unterminated-certificates", "unterminated-blocks", "begin-begin", "base64-lines"],
)
def test_a_file_of_boundaries_is_read_in_linear_time(unit):
    """Finding the block anywhere must not rescan the file from every BEGIN: on main a 200KB file
    of unterminated BEGIN CERTIFICATE lines took 7 CPU seconds (1MB, the limit: minutes)."""
    data = unit * (200_000 // len(unit))
    started = time.process_time()
    contains_private_key(data)
    with pytest.raises(EvidenceRefused):
        certificate_parse(data, now=NOW)
    assert time.process_time() - started < 1.5


# A private key anywhere is still refused -----------------------------------------------------

KEY_FORMS = {
    "pkcs8": lambda: factory.key_pem(factory.rsa_key()),
    "rsa-private-key": lambda: factory.key_pem(
        factory.rsa_key(), serialization.PrivateFormat.TraditionalOpenSSL
    ),
    "ec-private-key": lambda: factory.key_pem(
        factory.ec_key(), serialization.PrivateFormat.TraditionalOpenSSL
    ),
    "encrypted-private-key": lambda: factory.key_pem(
        factory.rsa_key(), encryption=serialization.BestAvailableEncryption(b"correct horse")
    ),
    "encrypted-rsa-private-key": lambda: factory.key_pem(
        factory.rsa_key(),
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"correct horse"),
    ),
    "openssh-private-key": lambda: factory.key_pem(
        factory.ec_key(), serialization.PrivateFormat.OpenSSH
    ),
}

PLACES = {
    "after-the-certificate": lambda cert, key: cert + key,
    "before-the-certificate": lambda cert, key: key + cert,
    "after-a-bom": lambda cert, key: BOM + key + cert,
    "between-bag-attributes": lambda cert, key: (
        BOM + cert.replace(b"subject=", b"Key Attributes: <No Attributes>\n" + key + b"subject=")
    ),
    "windows-lines": lambda cert, key: (cert + key).replace(b"\n", b"\r\n"),
    "utf16": lambda cert, key: (cert + key).decode().encode("utf-16"),
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("form", KEY_FORMS)
def test_a_pem_private_key_anywhere_in_the_file_is_refused(form, place):
    certificate = factory.make_certificate()
    data = PLACES[place](openssl_nokeys_shape(certificate), KEY_FORMS[form]())
    assert contains_private_key(data)
    assert refusal(data) == PRIVATE_KEY


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda pem, key: pem + factory.key_der(key), id="pem-then-der-pkcs8-key"),
        pytest.param(
            lambda pem, key: pem + b"\n" + factory.key_der(key, _encrypted()),
            id="pem-then-der-encrypted-key",
        ),
        pytest.param(
            lambda pem, key: pem + factory.key_der(key) + b"\r\n\n",
            id="pem-then-der-key-then-lines",
        ),
        pytest.param(
            lambda pem, key: BOM + factory.key_der(key) + b"\n" + pem, id="der-key-then-pem"
        ),
        pytest.param(
            lambda pem, key: pem + factory.pfx(factory.make_certificate(), key),
            id="pem-then-pkcs12",
        ),
        pytest.param(
            lambda pem, key: pem + _base64_lines(factory.key_der(key)),
            id="pem-then-unarmoured-base64-key",
        ),
        pytest.param(
            lambda pem, key: (
                pem
                + b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGb\n"
                + b"-----END PGP PRIVATE KEY BLOCK-----\n"
            ),
            id="pem-then-pgp-private-key",
        ),
        pytest.param(
            lambda pem, key: (
                pem
                + b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nP2/56wAAA\n"
                + b"---- END SSH2 ENCRYPTED PRIVATE KEY ----\n"
            ),
            id="pem-then-ssh2-private-key",
        ),
        pytest.param(
            lambda pem, key: (
                pem
                + b"PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: k\n"
                + b"Public-Lines: 1\nAAAAB3NzaC1yc2E\nPrivate-Lines: 1\nAAABAQC\n"
            ),
            id="pem-then-putty-key",
        ),
        pytest.param(
            lambda pem, key: pem + b"Private-Key: (2048 bit, 2 primes)\nmodulus:\n    00:bc\n",
            id="pem-then-openssl-key-text-dump",
        ),
    ],
)
def test_a_private_key_in_another_form_next_to_the_certificate_is_refused(make):
    data = make(factory.pem(factory.make_certificate()), factory.rsa_key())
    assert contains_private_key(data)
    assert refusal(data) == PRIVATE_KEY


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("-nodes",), id="pkcs12-nodes"),
        pytest.param(("-passout", "pass:out password"), id="pkcs12-encrypted-key"),
    ],
)
def test_the_real_output_of_openssl_pkcs12_with_its_key_is_refused(openssl, tmp_path, args):
    certificate = factory.make_certificate()
    bundle = factory.pfx(certificate, factory.rsa_key(), b"bundle password")
    data = run_openssl(tmp_path, "pkcs12", "-passin", "pass:bundle password", *args, data=bundle)
    assert b"PRIVATE KEY-----" in data
    assert contains_private_key(data)
    assert refusal(BOM + data) == PRIVATE_KEY


def test_the_real_text_dump_of_a_private_key_next_to_the_certificate_is_refused(openssl, tmp_path):
    dump = run_openssl(tmp_path, "pkey", "-text", "-noout", data=factory.key_pem(factory.rsa_key()))
    assert b"-----BEGIN" not in dump
    data = factory.pem(factory.make_certificate()) + dump
    assert contains_private_key(data)
    assert refusal(data) == PRIVATE_KEY


def _encrypted():
    return serialization.BestAvailableEncryption(b"secret")


def _base64_lines(data: bytes) -> bytes:
    text = base64.b64encode(data)
    return b"".join(text[i : i + 64] + b"\n" for i in range(0, len(text), 64))


# Through the upload page ---------------------------------------------------------------------


def test_the_openssl_pkcs12_nokeys_shape_uploads_and_shows_the_certificate(supplier):
    certificate = factory.make_certificate(common_name="pacs-two.supplier.example")
    response = upload(supplier, BOM + openssl_nokeys_shape(certificate), "client.crt")
    assert response.status_code == 302
    assert bytes(Certificate.objects.get().der) == factory.der(certificate)
    page = visible_text(supplier.get(response["Location"]))
    assert "CN=pacs-two.supplier.example,O=Demo Imaging Systems Ltd" in page
    assert "has been added" in page


def test_a_der_key_after_the_pem_certificate_is_refused_before_the_scanner(
    supplier, dead_scanner, settings
):
    data = factory.pem(factory.make_certificate()) + factory.key_der(factory.rsa_key())
    # The scanner is dead: a file that reached it would be refused with "try again".
    assert refused_with(supplier, data, settings)[0] == [PRIVATE_KEY]


def visible_text(response) -> str:
    page = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
