"""Files the evidence tests send: real formats built here, and the bad ones."""

import io
import shutil
import zipfile

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# scripts/clamd-test's own signature, "NIR-Test-Marker", matches this anywhere in a file.
MARKER = b"NIR-EVIDENCE-TEST-MALWARE-MARKER"

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"


def zip_of(entries, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    """A minimal valid Word document."""
    return zip_of(
        [
            (
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                '2006/content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/word/document.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                'document.main+xml"/></Types>',
            ),
            (
                "_rels/.rels",
                '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                'Target="word/document.xml"/></Relationships>',
            ),
            (
                "word/document.xml",
                '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hazard log</w:t></w:r>'
                "</w:p></w:body></w:document>",
            ),
        ]
    )


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def encrypted_zip() -> bytes:
    """A zip whose entry says it is encrypted (flag bit 0 set in its local and central headers,
    as `zip -e` sets it). Python's zipfile writes no encrypted entries, so the bit is set here."""
    data = bytearray(zip_of([("secret.pdf", PDF)]))
    assert data[:4] == b"PK\x03\x04"
    data[6] |= 0x1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    return bytes(data)


def zip_bomb() -> bytes:
    """10 MB of zeros: about 10 KB compressed, a ratio of about 1000."""
    return zip_of([("zeros.pdf", b"%PDF-" + b"\0" * (10 * 1024 * 1024))])


def elf() -> bytes:
    with open(shutil.which("true"), "rb") as binary:
        return binary.read()


def evidence_row(application, purpose, scan_status, *, uploaded_by, revision=1, name="file.pdf"):
    """An evidence row as the service keeps one for a PDF, with no file stored behind it: for
    tests of what the service reads from the rows (statuses, blockers, metrics)."""
    from evidence.models import EvidenceFile

    return EvidenceFile.objects.create(
        application=application,
        purpose=purpose,
        revision=revision,
        original_name=name,
        download_name=name,
        size=10,
        kind="pdf",
        mime_type="application/pdf",
        sha256="0" * 64,
        storage_name=f"{purpose}/{revision}/{name}",
        scan_status=scan_status,
        uploaded_by=uploaded_by,
    )
