"""A document (a zip itself) inside an uploaded zip: one level of nesting is inspected, read once;
deeper nesting is refused in the design system's words (issue 22, "a zip inside a zip")."""

from __future__ import annotations

import io
import secrets
import struct
import zipfile

import pytest

from evidence import inspection
from evidence.inspection import ZipLimits, evidence_inspect
from evidence.refusals import EvidenceRefused
from tests.answer_sets import CONTROLLER
from tests.evidence import files
from tests.evidence.test_pages import upload

LIMITS = ZipLimits(max_entries=1000, max_uncompressed=1024**3, max_ratio=100)
WRONG_TYPE = "The selected file must be a PDF, DOCX, ODT, PNG, JPEG or ZIP"
PASSWORD_PROTECTED = "The selected file is password protected"
MIB = 1024 * 1024


def inspect(tmp_path, data: bytes, limits: ZipLimits = LIMITS):
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    return evidence_inspect(path, limits=limits)


def refusal(tmp_path, data: bytes, limits: ZipLimits = LIMITS) -> EvidenceRefused:
    with pytest.raises(EvidenceRefused) as refused:
        inspect(tmp_path, data, limits)
    return refused.value


def compressible(size: int) -> bytes:
    """`size` bytes that deflate about 80 times: within the ratio limit of 100."""
    block = secrets.token_bytes(12 * 1024) + bytes(MIB - 12 * 1024)
    return (block * (size // MIB + 1))[:size]


def docx_with(*parts: tuple[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    """A valid DOCX (files.docx()'s parts) with more parts added."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(files.docx())) as source,
        zipfile.ZipFile(buffer, "w", compression) as document,
    ):
        for info in source.infolist():
            document.writestr(info.filename, source.read(info))
        for name, data in parts:
            document.writestr(name, data)
    return buffer.getvalue()


def odt_with(*parts: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO(files.odt())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as document:
        for name, data in parts:
            document.writestr(name, data)
    return buffer.getvalue()


def encrypted_part_docx() -> bytes:
    """A DOCX whose last part says it is encrypted (flag bit 0 in its local and central headers,
    as files.encrypted_zip() sets it): the last of each header signature is that part's."""
    data = bytearray(docx_with(("word/media/secret.png", files.PNG)))
    data[data.rindex(b"PK\x03\x04") + 6] |= 0x1
    data[data.rindex(b"PK\x01\x02") + 8] |= 0x1
    return bytes(data)


@pytest.fixture
def decompressed(monkeypatch):
    """The bytes every zip entry read gives, decompressed or stored: a seek inside an entry
    reads it again, so this counts the inspection's passes over a document."""
    counted = {"bytes": 0}
    original = zipfile.ZipExtFile._read1

    def read1(entry, n):
        data = original(entry, n)
        counted["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "_read1", read1)
    return counted


# Read once ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3 * MIB, 200 * 1024], ids=["larger-than-its-ends", "small"])
def test_a_document_inside_a_zip_is_decompressed_once(tmp_path, decompressed, size):
    document = docx_with(("word/media/image1.png", files.PNG + compressible(size)))
    upload = files.zip_of([("report.docx", document), ("scan.pdf", files.PDF)])
    assert inspect(tmp_path, upload).kind == "zip"
    # One pass over the document, and the first block of the PDF to tell what it is. Opening
    # zipfile.ZipFile on the entry itself read it four times.
    assert decompressed["bytes"] <= len(document) + 64 * 1024


def test_a_large_odt_inside_a_zip_is_read_once_and_accepted(tmp_path, decompressed):
    document = odt_with(("Pictures/scan.png", files.PNG + compressible(3 * MIB)))
    upload = files.zip_of([("minutes.odt", document)])
    assert inspect(tmp_path, upload).kind == "zip"
    assert decompressed["bytes"] <= len(document) + 64 * 1024


def test_a_document_inside_a_zip_is_held_in_bounded_memory(tmp_path, monkeypatch):
    kept = []
    original = inspection._Ends.__init__

    def spy(self, head, tail, size):
        kept.append((len(head), len(tail), size))
        original(self, head, tail, size)

    monkeypatch.setattr(inspection._Ends, "__init__", spy)
    document = docx_with(("word/media/image1.png", files.PNG + compressible(5 * MIB)))
    assert inspect(tmp_path, files.zip_of([("report.docx", document)])).kind == "zip"
    [(head, tail, size)] = kept
    assert size == len(document)
    assert head == inspection.INNER_HEAD_BYTES and tail == inspection.INNER_TAIL_BYTES


# Still inspected ------------------------------------------------------------------------------


def test_a_zip_bomb_inside_a_document_inside_a_zip_is_still_refused(tmp_path):
    bomb = docx_with(("word/media/zeros.png", bytes(10 * MIB)), compression=zipfile.ZIP_DEFLATED)
    refused = refusal(tmp_path, files.zip_of([("report.docx", bomb)]))
    assert refused.message == WRONG_TYPE
    # The document is 10 KB, so the upload passes the outer checks: its own entries refuse it.
    assert "zip bomb" in refused.reason


@pytest.mark.parametrize(
    ("document", "message", "reason"),
    [
        pytest.param(
            docx_with(("../../evil.pdf", files.PDF)), WRONG_TYPE, "climbs out", id="traversal"
        ),
        pytest.param(encrypted_part_docx(), PASSWORD_PROTECTED, "encrypted", id="encrypted"),
        pytest.param(
            docx_with(*[(f"word/media/{n}.png", files.PNG) for n in range(20)]),
            WRONG_TYPE,
            "entries, more than 10",
            id="too-many-entries",
        ),
    ],
)
def test_a_document_inside_a_zip_has_its_own_entries_checked(tmp_path, document, message, reason):
    limits = ZipLimits(max_entries=10, max_uncompressed=1024**3, max_ratio=100)
    refused = refusal(tmp_path, files.zip_of([("report.docx", document)]), limits)
    assert refused.message == message
    assert reason in refused.reason


def test_a_document_whose_central_directory_is_over_a_mebibyte_is_refused(tmp_path):
    long_names = [(f"word/media/{n:02d}-" + "x" * 60_000 + ".png", files.PNG) for n in range(20)]
    document = docx_with(*long_names)
    assert len(document) > inspection.INNER_HEAD_BYTES + inspection.INNER_TAIL_BYTES
    upload = files.zip_of([("report.docx", document)], compression=zipfile.ZIP_STORED)
    refused = refusal(tmp_path, upload)
    assert refused.message == WRONG_TYPE
    assert "central directory is over" in refused.reason


def docx_with_directory(directory: int) -> bytes:
    """A DOCX of over 3 MiB whose central directory is `directory` bytes (padded with file
    comments, which only the directory holds), followed by everything the module promises room
    for after it: the ZIP64 end record and locator, the end record and a comment of 65,535 bytes."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(files.docx())) as source,
        zipfile.ZipFile(buffer, "w") as document,
    ):
        for info in source.infolist():
            document.writestr(info.filename, source.read(info))
        document.writestr("word/media/image1.png", files.PNG + bytes(3 * MIB))
        pads = [zipfile.ZipInfo(f"customXml/item{n}.xml") for n in range(directory // 60_000 + 1)]
        for pad in pads:
            document.writestr(pad, b"<a/>")
        rest = directory - sum(46 + len(i.filename) + len(i.extra) for i in document.infolist())
        for pad in pads:
            pad.comment = b"c" * min(rest, 65535)
            rest -= len(pad.comment)
    data = buffer.getvalue()
    _, _, _, count, _, size, offset, _ = struct.unpack(zipfile.structEndArchive, data[-22:])
    assert size == directory
    end = offset + size
    zip64 = struct.pack(
        zipfile.structEndArchive64, zipfile.stringEndArchive64, 44, 45, 45, 0, 0, count, count,
        size, offset,
    )  # fmt: skip
    locator = struct.pack(
        zipfile.structEndArchive64Locator, zipfile.stringEndArchive64Locator, 0, end, 1
    )
    record = struct.pack(
        zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, count, count, size, offset,
        65535,
    )  # fmt: skip
    return data[:end] + zip64 + locator + record + b" " * 65535


def test_a_documents_central_directory_of_a_mebibyte_is_read_with_all_that_may_follow_it(
    tmp_path,
):
    # The module's promise, in its own numbers: the last 1 MiB of central directory plus a
    # comment of up to 64 KiB, the ZIP64 locator and record and the end record are held.
    # Not a byte fewer (that document would be refused), and not more (memory).
    assert inspect(tmp_path, stored_upload("report.docx", docx_with_directory(MIB))).kind == "zip"
    refused = refusal(tmp_path, stored_upload("report.docx", docx_with_directory(MIB + 1)))
    assert refused.message == WRONG_TYPE
    assert "central directory is over 1114209 bytes" in refused.reason


def odt_with_mimetype_ending_at(end: int) -> bytes:
    """An ODT of over 3 MiB whose `mimetype` entry's bytes end at byte `end`: its local header is
    padded with an extra field (one block of a tag no one has been given)."""
    padding = end - 30 - len("mimetype") - len(inspection.ODT_MIMETYPE) - 4
    mimetype = zipfile.ZipInfo("mimetype")
    mimetype.extra = struct.pack("<HH", 0x7A7A, padding) + bytes(padding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as document:
        document.writestr(mimetype, inspection.ODT_MIMETYPE)
        document.writestr("content.xml", "<office:document-content/>")
        document.writestr("Pictures/scan.png", files.PNG + bytes(3 * MIB))
    data = buffer.getvalue()
    assert data.index(inspection.ODT_MIMETYPE) + len(inspection.ODT_MIMETYPE) == end
    return data


def test_an_odts_mimetype_entry_is_read_from_the_first_64_kib_and_no_further(tmp_path):
    within = odt_with_mimetype_ending_at(64 * 1024)
    assert container_kind_of(within) == "odt"
    assert inspect(tmp_path, stored_upload("minutes.odt", within)).kind == "zip"
    beyond = odt_with_mimetype_ending_at(64 * 1024 + 1)
    assert container_kind_of(beyond) == "odt"
    refused = refusal(tmp_path, stored_upload("minutes.odt", beyond))
    assert refused.message == WRONG_TYPE
    assert f"reads bytes {64 * 1024 - 38}-{64 * 1024 + 1} " in refused.reason


def stored_upload(name: str, document: bytes) -> bytes:
    return files.zip_of([(name, document)], compression=zipfile.ZIP_STORED)


def container_kind_of(document: bytes) -> str:
    """What the document is, read whole (not through the two ends kept inside a zip)."""
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        return inspection.container_kind(archive)


# Deeper nesting is refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([("inner.docx", files.zip_of([("a.pdf", files.PDF)]))], id="zip-in-zip"),
        pytest.param(
            [("inner.odt", files.zip_of([("report.docx", files.docx())]))],
            id="document-in-zip-in-zip",
        ),
        pytest.param(
            [
                (
                    "big.pdf.docx",
                    files.zip_of([("a.pdf", files.PDF + compressible(3 * MIB))]),
                )
            ],
            id="large-zip-in-zip",
        ),
        pytest.param([("inner.zip", files.docx())], id="zip-by-name"),
    ],
)
def test_nesting_deeper_than_a_document_inside_a_zip_is_refused(tmp_path, entries):
    refused = refusal(tmp_path, files.zip_of([("cover.pdf", files.PDF), *entries]))
    assert refused.message == WRONG_TYPE
    assert "zip inside the zip" in refused.reason


# The two ends of a large document, read once ------------------------------------------------


def pattern(size):
    """Bytes that differ from place to place, so a read from the wrong offset shows."""
    return bytes((n * 7 + n // 251) % 256 for n in range(size))


@pytest.mark.parametrize(
    "rest",
    [
        # The head (64 KiB) and the rest share a bit: their sizes' sum is not their bitwise or.
        64 * 1024 + 1000,
        # Two whole reads and a little: dropping the first would leave less than the tail.
        2 * MIB + 1000,
        # One read (1 MiB) and one byte less than the tail (1,114,209 bytes): dropping the first
        # read would leave the tail but one byte, so all of it is kept. In numbers, not the
        # module's constants: a read of another size moves where a document stops being whole.
        MIB + 1_114_209 - 1,
    ],
)
def test_a_small_document_is_kept_whole(rest):
    data = pattern(inspection.INNER_HEAD_BYTES + rest)
    entry = io.BytesIO(data[10:])
    kept = inspection._read_ends(entry, data[:10])
    assert isinstance(kept, io.BytesIO)
    assert kept.getvalue() == data
    # Exactly as large as the two ends together: still whole.
    exact = pattern(inspection.INNER_HEAD_BYTES + inspection.INNER_TAIL_BYTES)
    whole = inspection._read_ends(io.BytesIO(exact), b"")
    assert isinstance(whole, io.BytesIO) and whole.getvalue() == exact


@pytest.mark.parametrize("beyond", [MIB, 3 * MIB + 12345])
def test_a_large_document_keeps_its_ends_and_reads_them_as_a_file_would(beyond):
    # One read past both ends, the least that drops anything (the tail then starts so early
    # that its last bytes lie over twice its start from the beginning), and well past them.
    head_size, tail_size = inspection.INNER_HEAD_BYTES, inspection.INNER_TAIL_BYTES
    size = head_size + tail_size + beyond
    data = pattern(size)
    ends = inspection._read_ends(io.BytesIO(data[5:]), data[:5])
    assert isinstance(ends, inspection._Ends)
    assert ends.seekable() is True
    # A new one reads from the start, and a read of nothing reads nothing.
    assert ends.tell() == 0
    assert ends.read(0) == b""
    assert ends.tell() == 0
    assert ends.read(4) == data[:4]
    tail_start = size - tail_size
    # Reads of the head, of the tail, across its end, and past the end of the file.
    for start, count in [
        (0, 100),
        (head_size - 10, 10),
        (tail_start, 100),
        (tail_start + 1000, 5000),
        (size - 22, 22),
        (size - 10, 100),
    ]:
        assert ends.seek(start) == start
        assert ends.read(count) == data[start : start + count], (start, count)
        assert ends.tell() == min(start + count, size)
    assert ends.seek(0, io.SEEK_END) == size
    assert ends.read(10) == b""
    # Past the end, as a file: nothing read, and the position where it was put.
    assert ends.seek(size + 100) == size + 100
    assert ends.read(10) == b""
    assert ends.tell() == size + 100
    assert ends.seek(-22, io.SEEK_END) == size - 22
    assert ends.read() == data[-22:]
    ends.seek(tail_start)
    assert ends.seek(7, io.SEEK_CUR) == tail_start + 7
    assert ends.read(3) == data[tail_start + 7 : tail_start + 10]
    with pytest.raises(OSError):
        ends.seek(-1)
    # A read in between the ends is refused as an unreadable zip, naming what it read.
    ends.seek(head_size)
    with pytest.raises(zipfile.BadZipFile, match=f"reads bytes {head_size}-{head_size + 10} "):
        ends.read(10)
    assert ends.tell() == head_size
    ends.seek(tail_start - 1)
    with pytest.raises(zipfile.BadZipFile):
        ends.read(2)
    # A read of nothing in between reads nothing, as a file's does.
    ends.seek(head_size + 10)
    assert ends.read(0) == b""
    assert ends.tell() == head_size + 10


# On the upload page (the one test here with a database: last, so a run stopped by an earlier
# failure, as each mutant's is, does not build one) ---------------------------------------


@pytest.fixture
def at_the_aup(applicant):
    applicant.answer_all(CONTROLLER[: [q for q, _ in CONTROLLER].index("c_aup")])
    return applicant


def test_the_upload_page_refuses_a_zip_inside_a_zip_in_the_design_systems_words(at_the_aup):
    url = at_the_aup.question_url("c_aup")
    nested = files.zip_of([("inner.docx", files.zip_of([("a.pdf", files.PDF)]))])
    response = upload(at_the_aup.client, url, nested, name="evidence.zip")
    assert response.status_code == 400
    page = response.content.decode()
    assert WRONG_TYPE in page
    assert "<title>Error: " in page
    document = files.zip_of([("report.docx", files.docx())])
    assert upload(at_the_aup.client, url, document, name="evidence.zip").status_code == 302
