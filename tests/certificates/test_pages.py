"""The supplier's Certificates page (upload, list, one certificate) and NHS England's register."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import hashes
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from certificates.models import Certificate
from tests.certificates import factory
from tests.evidence import files
from tests.web.conftest import errors_on, signed_in

PRIVATE_KEY = "The selected file contains a private key. Upload only the public certificate"


def upload(client, data: bytes, name: str = "client.pem", **fields):
    return client.post(
        "/certificates",
        {"certificate": SimpleUploadedFile(name, data), **fields},
    )


def quarantined(settings) -> list[Path]:
    folder = Path(settings.EVIDENCE_QUARANTINE_DIR)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_valid_certificate_is_added_with_every_field_and_audited(supplier, member, settings):
    certificate = factory.make_certificate(serial=0xABC123)
    response = upload(supplier, factory.pem(certificate), product_name="PACS One 4.2")
    assert response.status_code == 302
    stored = Certificate.objects.get()
    assert response["Location"] == f"/certificates/{stored.pk}"
    assert stored.organisation == member.membership.organisation
    assert stored.subject == "CN=pacs-one.supplier.example,O=Demo Imaging Systems Ltd"
    assert stored.issuer == "CN=Test Issuing CA"
    assert stored.serial == "ABC123"
    assert stored.not_after == certificate.not_valid_after_utc
    assert (stored.key_type, stored.key_size) == ("rsa", 2048)
    assert bytes(stored.der) == factory.der(certificate)
    assert stored.product_name == "PACS One 4.2"
    assert stored.uploaded_by == member
    entry = AuditEntry.objects.get(action="certificate.add")
    assert entry.actor == member and entry.object_id == str(stored.pk)
    assert entry.after["fingerprint_sha256"] == stored.fingerprint_sha256
    assert quarantined(settings) == []

    page = supplier.get(response["Location"]).content.decode()
    assert stored.fingerprint_display in page
    assert "CN=Test Issuing CA" in page
    assert "RSA 2048-bit" in page
    assert "has been added" in page
    listing = supplier.get("/certificates").content.decode()
    assert "ABC123" in listing and stored.fingerprint_display in listing
    assert ">Valid<" in listing.replace("\n", "").replace(" ", "")


def test_a_der_certificate_is_added(supplier):
    certificate = factory.make_certificate()
    assert upload(supplier, factory.der(certificate), "client.cer").status_code == 302
    assert bytes(Certificate.objects.get().der) == factory.der(certificate)


def test_the_list_shows_expiring_soon_and_soonest_expiry_first(supplier):
    later = factory.make_certificate(common_name="later.example", days=200)
    soon = factory.make_certificate(common_name="soon.example", days=5)
    assert upload(supplier, factory.pem(later)).status_code == 302
    assert upload(supplier, factory.pem(soon)).status_code == 302
    page = table_of(supplier.get("/certificates"))
    assert page.index("soon.example") < page.index("later.example")
    assert "Expiring soon" in page
    assert "nhsuk-tag--orange" in page and "nhsuk-tag--green" in page


def table_of(response) -> str:
    page = response.content.decode()
    return page[page.index('data-testid="certificates"') :]


def refused_with(client, data, settings, name="client.pem", **fields):
    response = upload(client, data, name, **fields)
    assert response.status_code == 400
    assert Certificate.objects.count() == 0
    assert quarantined(settings) == []
    return errors_on(response), response.content.decode()


def test_a_pem_bundle_with_a_private_key_is_refused_and_nothing_of_it_kept(supplier, settings):
    key = factory.rsa_key()
    bundle = factory.pem(factory.make_certificate()) + factory.key_pem(key)
    errors, page = refused_with(supplier, bundle, settings)
    assert errors == [PRIVATE_KEY]
    assert 'id="certificate-error"' in page
    entry = AuditEntry.objects.get(action="certificate.refuse")
    assert entry.after["message"] == PRIVATE_KEY
    # Neither the key nor the file's hash is in the audit log.
    assert "PRIVATE KEY" not in str(entry.after) and "sha256" not in entry.after


def test_a_pkcs12_file_is_refused_as_a_private_key(supplier, settings):
    data = factory.pfx(factory.make_certificate(), factory.rsa_key(), b"secret")
    assert refused_with(supplier, data, settings, "client.p12")[0] == [PRIVATE_KEY]


def test_an_expired_certificate_is_refused(supplier, settings):
    expired = factory.make_certificate(
        not_before=datetime(2025, 3, 3, 12, tzinfo=UTC),
        not_after=datetime(2026, 3, 3, 12, tzinfo=UTC),
    )
    assert refused_with(supplier, factory.pem(expired), settings)[0] == [
        "The selected certificate expired on 3 March 2026. Upload a current certificate"
    ]


def test_a_certificate_not_yet_valid_is_refused(supplier, settings):
    start = datetime.now(UTC) + timedelta(days=10)
    future = factory.make_certificate(not_before=start, not_after=start + timedelta(days=90))
    errors = refused_with(supplier, factory.pem(future), settings)[0]
    assert errors[0].startswith("The selected certificate is not valid until ")


def test_rsa_1024_is_refused(supplier, settings):
    weak = factory.make_certificate(key=factory.rsa_key(1024))
    assert refused_with(supplier, factory.pem(weak), settings)[0] == [
        "The selected certificate has a 1024-bit RSA key. Upload a certificate with an RSA key "
        "of at least 2048 bits"
    ]


def test_garbage_is_refused_and_the_product_name_kept(supplier, settings):
    errors, page = refused_with(
        supplier, b"\x00garbage\xff" * 50, settings, product_name="PACS One"
    )
    assert errors == ["The selected file must be a certificate in PEM or DER format"]
    assert 'value="PACS One"' in page


def test_an_empty_file_and_no_file_are_refused(supplier, settings):
    assert refused_with(supplier, b"", settings)[0] == ["The selected file is empty"]
    response = supplier.post("/certificates", {"product_name": "x"})
    assert response.status_code == 400 and errors_on(response) == ["Select a file"]


def test_a_file_of_1mb_is_refused_while_it_streams(supplier, settings):
    errors = refused_with(supplier, b"A" * (1024 * 1024), settings)[0]
    assert errors == ["The selected file must be smaller than 1MB"]


def test_the_same_certificate_twice_is_one_row(supplier):
    data = factory.pem(factory.make_certificate())
    first, second = upload(supplier, data), upload(supplier, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Certificate.objects.count() == 1
    assert AuditEntry.objects.filter(action="certificate.add").count() == 1


def test_an_infected_file_is_refused_before_it_is_parsed(supplier, scanner, settings):
    errors = refused_with(supplier, files.EICAR, settings)[0]
    assert errors == ["The selected file contains a virus"]


def test_a_file_the_scanner_cannot_judge_is_not_kept(supplier, dead_scanner, settings):
    data = factory.pem(factory.make_certificate())
    errors = refused_with(supplier, data, settings)[0]
    assert errors == ["The selected file could not be uploaded – try again"]


def test_a_private_key_is_refused_without_reaching_the_scanner(supplier, dead_scanner, settings):
    bundle = factory.pem(factory.make_certificate()) + factory.key_pem(factory.rsa_key())
    assert refused_with(supplier, bundle, settings)[0] == [PRIVATE_KEY]


def test_a_scanned_certificate_is_added(supplier, scanner, settings):
    """Through the virus scanner (a real clamd) and into the organisation's list, with what a
    person checks it by: subject, product, serial, fingerprint, expiry, key and status."""
    certificate = factory.make_certificate(common_name="scanned.supplier.example", serial=0x5CA7)
    response = upload(supplier, factory.pem(certificate), product_name="PACS One 4.2")
    stored = Certificate.objects.get()
    assert response["Location"] == f"/certificates/{stored.pk}"
    assert quarantined(settings) == []
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex().upper()
    expires = certificate.not_valid_after_utc.astimezone(ZoneInfo("Europe/London")).date()
    assert rows_of(supplier.get("/certificates")) == [
        [
            "CN=scanned.supplier.example,O=Demo Imaging Systems Ltd PACS One 4.2",
            "5CA7",
            ":".join(fingerprint[i : i + 2] for i in range(0, len(fingerprint), 2)),
            f"{expires.day} {expires:%B %Y}",
            "RSA 2048-bit",
            "Valid",
        ]
    ]


class _Rows(HTMLParser):
    """The visible text of each cell of each body row of the certificates table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def rows_of(response) -> list[list[str]]:
    parser = _Rows()
    parser.feed(table_of(response))
    return parser.rows


@pytest.fixture
def other_supplier(other_organisation, outsider):
    from applications.models import Application

    Application.objects.create(
        organisation=other_organisation, scope="both", role="supplier", created_by=outsider
    )
    return signed_in(outsider)


def test_another_organisations_certificate_is_a_404(supplier, other_supplier):
    upload(supplier, factory.pem(factory.make_certificate()))
    certificate = Certificate.objects.get()
    assert other_supplier.get(f"/certificates/{certificate.pk}").status_code == 404
    assert certificate.subject not in other_supplier.get("/certificates").content.decode()


def test_a_controller_cannot_keep_certificates(organisation, member):
    from applications.models import Application

    Application.objects.create(
        organisation=organisation, scope="both", role="controller", created_by=member
    )
    client = signed_in(member)
    assert client.get("/certificates").status_code == 403
    response = upload(client, factory.pem(factory.make_certificate()))
    assert response.status_code == 403
    assert Certificate.objects.count() == 0


def test_reviewers_see_every_organisations_certificates_soonest_expiry_first(
    supplier, other_supplier, reviewer
):
    upload(supplier, factory.pem(factory.make_certificate(common_name="a-late.example", days=300)))
    upload(
        other_supplier, factory.pem(factory.make_certificate(common_name="b-soon.example", days=20))
    )
    response = signed_in(reviewer).get("/review/certificates")
    page = table_of(response)
    assert page.index("b-soon.example") < page.index("a-late.example")
    assert "Southern Scans Ltd" in page and "Northern Imaging Trust" in page
    # In the reviewer's navigation.
    assert 'href="/review/certificates"' in response.content.decode()
    certificate = Certificate.objects.get(subject__contains="b-soon")
    assert signed_in(reviewer).get(f"/certificates/{certificate.pk}").status_code == 200
    assert supplier.get("/review/certificates").status_code == 403  # NHS England's page (ADR 0036)


def test_the_suppliers_navigation_links_to_certificates(supplier, colleague):
    assert 'href="/certificates"' in supplier.get("/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        factory.with_key_algorithm(
            factory.make_certificate(), bytes.fromhex("06092a864886f70d01017f")
        ),
        factory.with_serial(factory.make_certificate(), b"\x01" + b"\xab" * 60),
    ],
    ids=["unknown-key-algorithm", "serial-of-61-octets"],
)
def test_a_certificate_the_register_cannot_hold_is_refused_not_an_error(supplier, settings, data):
    errors, _ = refused_with(supplier, data, settings, "client.cer")
    assert len(errors) == 1 and errors[0].startswith("The selected certificate ")


def test_uploading_a_withdrawn_certificate_again_puts_it_back_in_the_register(supplier, member):
    """A certificate withdrawn by mistake comes back by uploading it again: it is watched again,
    and the page does not say it was already in the register while it shows it withdrawn."""
    older = factory.make_certificate(days=100)
    data = factory.pem(factory.make_certificate(days=200))
    upload(supplier, data)
    certificate = Certificate.objects.get()
    assert supplier.post(f"/certificates/{certificate.pk}/withdraw").status_code == 302
    upload(supplier, factory.pem(older))  # still in use, same subject, expires sooner

    response = upload(supplier, data)
    assert response["Location"] == f"/certificates/{certificate.pk}"
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None and certificate.withdrawn_by is None
    entry = AuditEntry.objects.get(action="certificate.reinstate")
    assert entry.actor == member and entry.object_id == str(certificate.pk)
    page = supplier.get(response["Location"]).content.decode()
    assert "has been put back in your register" in page
    assert "Withdrawn" not in page
    # Back in the register, it renews the older certificate of its subject as an upload does.
    assert Certificate.objects.get(fingerprint_sha256=factory.fingerprint(older)).replaced_by == (
        certificate
    )
    # A double submit changes nothing more.
    assert upload(supplier, data).status_code == 302
    assert AuditEntry.objects.filter(action="certificate.reinstate").count() == 1


def test_the_certificate_page_shows_its_serial_fingerprint_and_replacement_as_text(supplier):
    """Each value reads as it is, not as markup around it (issue 23, item 4)."""
    from django.utils import timezone

    from questionnaire.engine.answers import format_date
    from tests.visible import row

    name = 'R&D "PACS" <one> &amp;'
    older = factory.make_certificate(common_name=name, days=100, serial=0xABC123)
    newer = factory.make_certificate(common_name=name, days=200)
    upload(supplier, factory.pem(older))
    upload(supplier, factory.pem(newer))
    first = Certificate.objects.get(fingerprint_sha256=factory.fingerprint(older))
    second = Certificate.objects.get(fingerprint_sha256=factory.fingerprint(newer))
    assert first.replaced_by == second
    page = supplier.get(f"/certificates/{first.pk}")
    assert row(page, "Serial number") == "ABC123"
    assert row(page, "SHA-256 fingerprint") == first.fingerprint_display
    assert row(page, "Subject") == first.subject
    expires = format_date(timezone.localtime(second.not_after).date())
    assert row(page, "Replaced by") == f"{second.subject}, expires {expires}"
