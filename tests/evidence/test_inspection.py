"""Files are judged by their content, and zips without being extracted."""

import io
import struct
import zipfile

import pytest

from evidence.inspection import (
    ODT_MIMETYPE,
    ZipLimits,
    check_zip,
    container_kind,
    evidence_inspect,
)
from evidence.refusals import EMPTY, PASSWORD_PROTECTED, WRONG_TYPE, EvidenceRefused
from tests.conftest import missing_prerequisite
from tests.evidence import files

LIMITS = ZipLimits(max_entries=1000, max_uncompressed=1024**3, max_ratio=100)


def inspect(tmp_path, data, name="upload.bin", limits=LIMITS):
    path = tmp_path / name
    path.write_bytes(data)
    return evidence_inspect(path, limits=limits)


def refusal(tmp_path, data, name="upload.bin", limits=LIMITS):
    with pytest.raises(EvidenceRefused) as refused:
        inspect(tmp_path, data, name, limits)
    return refused.value


@pytest.mark.parametrize(
    ("data", "kind", "mime"),
    [
        (files.PDF, "pdf", "application/pdf"),
        (files.PNG, "png", "image/png"),
        (files.JPEG, "jpeg", "image/jpeg"),
        (
            files.docx(),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (files.odt(), "odt", "application/vnd.oasis.opendocument.text"),
        (files.zip_of([("a.pdf", files.PDF), ("b.png", files.PNG)]), "zip", "application/zip"),
        (files.zip_of([("scans/", b""), ("scans/a.jpg", files.JPEG)]), "zip", "application/zip"),
        (files.zip_of([("report.docx", files.docx()), ("x.odt", files.odt())]), "zip", None),
    ],
)
def test_allowed_files_are_known_by_their_content(tmp_path, data, kind, mime):
    # Named .txt: the name plays no part.
    inspection = inspect(tmp_path, data, "named-wrongly.txt")
    assert inspection.kind == kind
    if mime:
        assert inspection.mime_type == mime


def test_a_renamed_program_is_refused(tmp_path):
    program = files.elf()
    refused = refusal(tmp_path, program, "report.pdf")
    assert refused.message == WRONG_TYPE
    # What the file begins with, as read to tell what it is: its first eight bytes (\x7fELF…).
    assert refused.reason == f"content begins {program[:8].hex(' ')}"
    assert program[:4] == b"\x7fELF"


@pytest.mark.parametrize(
    "data", [b"MZ\x90\x00 windows program", b"plain text", b"<html>", b"%PD", b"\xff\xd8"]
)
def test_other_content_is_refused(tmp_path, data):
    assert refusal(tmp_path, data, "photo.jpg").message == WRONG_TYPE


def test_an_empty_file_and_an_empty_zip_are_empty(tmp_path):
    assert refusal(tmp_path, b"").message == EMPTY
    assert refusal(tmp_path, files.zip_of([])).message == EMPTY
    assert refusal(tmp_path, files.zip_of([("only-a-folder/", b"")])).message == EMPTY


def test_a_zip_bomb_is_refused_without_being_extracted(tmp_path):
    bomb = files.zip_bomb()
    assert len(bomb) < 100_000
    refused = refusal(tmp_path, bomb, "bomb.zip")
    assert refused.message == WRONG_TYPE
    assert "zip bomb" in refused.reason


def test_too_many_entries_or_too_much_uncompressed_is_refused(tmp_path):
    many = files.zip_of([(f"{n}.pdf", files.PDF) for n in range(11)])
    limits = ZipLimits(max_entries=10, max_uncompressed=1024**3, max_ratio=100)
    assert "11 entries" in refusal(tmp_path, many, limits=limits).reason
    assert inspect(tmp_path, many, limits=ZipLimits(11, 1024**3, 100)).kind == "zip"
    big = files.zip_of([("a.pdf", files.PDF + b"x" * 5000)], compression=zipfile.ZIP_STORED)
    limits = ZipLimits(max_entries=10, max_uncompressed=4000, max_ratio=100)
    assert "uncompressed" in refusal(tmp_path, big, limits=limits).reason


@pytest.mark.parametrize(
    "name", ["../evil.pdf", "docs/../../evil.pdf", "/etc/evil.pdf", "C:/evil.pdf", "..\\evil.pdf"]
)
def test_path_traversal_in_an_entry_name_is_refused(tmp_path, name):
    refused = refusal(tmp_path, files.zip_of([("fine.pdf", files.PDF), (name, files.PDF)]))
    assert refused.message == WRONG_TYPE
    assert "climbs out" in refused.reason or "absolute" in refused.reason


def test_an_encrypted_zip_is_password_protected(tmp_path):
    assert refusal(tmp_path, files.encrypted_zip()).message == PASSWORD_PROTECTED


def test_an_encrypted_zip_made_by_the_zip_command_is_password_protected(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("zip"):
        missing_prerequisite("the zip command is not installed: apt-get install zip")
    (tmp_path / "a.pdf").write_bytes(files.PDF)
    subprocess.run(["zip", "-q", "-P", "secret", "locked.zip", "a.pdf"], cwd=tmp_path, check=True)
    locked = (tmp_path / "locked.zip").read_bytes()
    assert refusal(tmp_path, locked).message == PASSWORD_PROTECTED


@pytest.mark.parametrize(
    "entries",
    [
        [("inner.zip", files.PDF)],  # by name
        [("inner.pdf", files.zip_of([("a.pdf", files.PDF)]))],  # by content
        [("INNER.ZIP", files.zip_of([("a.pdf", files.PDF)]))],
    ],
)
def test_a_zip_inside_a_zip_is_refused(tmp_path, entries):
    refused = refusal(tmp_path, files.zip_of(entries))
    assert refused.message == WRONG_TYPE
    assert "zip inside the zip" in refused.reason


def test_an_entry_of_a_type_not_allowed_is_refused(tmp_path):
    refused = refusal(tmp_path, files.zip_of([("a.pdf", files.PDF), ("run.pdf", files.elf())]))
    assert refused.message == WRONG_TYPE
    assert "run.pdf" in refused.reason


def test_macos_metadata_entries_are_allowed_only_when_they_are_metadata(tmp_path):
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00" + b"\x00" * 20
    ds_store = b"\x00\x00\x00\x01Bud1" + b"\x00" * 20
    finder = [("a.pdf", files.PDF), ("__MACOSX/._a.pdf", apple_double), (".DS_Store", ds_store)]
    assert inspect(tmp_path, files.zip_of(finder)).kind == "zip"
    disguised = [("a.pdf", files.PDF), ("__MACOSX/._a.pdf", files.elf())]
    assert refusal(tmp_path, files.zip_of(disguised)).message == WRONG_TYPE
    # A Finder file's content under another name (sorting after ".DS_Store", or before) is not one.
    for name in ("notes.txt", ".DS_Stor"):
        renamed = [("a.pdf", files.PDF), (name, ds_store)]
        refused = refusal(tmp_path, files.zip_of(renamed))
        assert refused.message == WRONG_TYPE
        assert name in refused.reason


def test_a_truncated_zip_is_refused(tmp_path):
    whole = files.zip_of([("a.pdf", files.PDF)])
    assert refusal(tmp_path, whole[: len(whole) // 2]).message == WRONG_TYPE


# Each limit of check_zip at its own number, one byte either side (mutation testing found each
# boundary untested: docs/testing.md). A stored (not compressed) entry has a ratio of 1.
def stored(size: int) -> bytes:
    return files.zip_of([("a.pdf", files.PDF.ljust(size, b" "))], compression=zipfile.ZIP_STORED)


def test_the_uncompressed_limit_is_the_most_allowed(tmp_path):
    at_limit = ZipLimits(max_entries=10, max_uncompressed=4000, max_ratio=100)
    assert inspect(tmp_path, stored(4000), limits=at_limit).kind == "zip"
    refused = refusal(tmp_path, stored(4001), limits=at_limit)
    assert refused.message == WRONG_TYPE
    assert refused.reason == "zip bomb: 4001 bytes uncompressed, more than 4000"


def with_comment(data: bytes, size: int) -> bytes:
    """The zip made `size` bytes long by its comment (the end record's last field)."""
    padding = size - len(data)
    assert 0 <= padding <= 65535
    return data[:-2] + struct.pack("<H", padding) + b"c" * padding


def test_a_whole_zip_may_expand_exactly_its_ratio_and_no_more(tmp_path):
    # 1 MiB expanded from a zip of exactly 4 KiB: a ratio of exactly 256. Two entries of
    # 512 KiB, each too small to be judged by its own ratio.
    half = files.PDF.ljust(512 * 1024, b"\0")
    zeros = with_comment(files.zip_of([("a.pdf", half), ("b.pdf", half)]), 4096)
    assert inspect(tmp_path, zeros, limits=ZipLimits(10, 1024**3, 256)).kind == "zip"
    refused = refusal(tmp_path, zeros, limits=ZipLimits(10, 1024**3, 255))
    assert refused.reason == "zip bomb: expands 256 times"


def test_a_zip_under_a_mebibyte_is_not_judged_by_its_ratio(tmp_path):
    small = files.zip_of([("a.pdf", files.PDF.ljust(1024 * 1024 - 1, b"\0"))])
    assert inspect(tmp_path, small, limits=ZipLimits(10, 1024**3, 2)).kind == "zip"
    one_mebibyte = files.zip_of([("a.pdf", files.PDF.ljust(1024 * 1024, b"\0"))])
    refused = refusal(tmp_path, one_mebibyte, limits=ZipLimits(10, 1024**3, 2))
    assert refused.reason.startswith("zip bomb: expands ")


@pytest.mark.parametrize("size", [1024 * 1024, 2 * 1024 * 1024])
def test_one_entry_that_expands_too_much_is_refused_in_a_zip_that_does_not(tmp_path, size):
    # The whole zip, padded by its comment, expands less than 100 times; one entry of 1 MiB
    # or more expands about 1,000 times.
    zeros = files.zip_of([("a.pdf", files.PDF.ljust(size, b"\0"))])
    padded = with_comment(zeros, len(zeros) + 65535)
    assert size < 100 * len(padded)
    refused = refusal(tmp_path, padded, limits=ZipLimits(10, 1024**3, 100))
    assert refused.reason == "zip bomb: entry 'a.pdf' expands more than 100 times"
    small = files.zip_of([("a.pdf", files.PDF.ljust(1024 * 1024 - 1, b"\0"))])
    small = with_comment(small, len(small) + 65535)
    assert inspect(tmp_path, small, limits=ZipLimits(10, 1024**3, 100)).kind == "zip"


def test_an_entry_may_expand_exactly_its_ratio(tmp_path):
    # A stored entry of 1 MiB: its size is its compressed size, a ratio of exactly 1.
    assert inspect(tmp_path, stored(1024 * 1024), limits=ZipLimits(10, 1024**3, 1)).kind == "zip"


def overlapping(data: bytes) -> bytes:
    """`data` (a zip of one entry) with its central directory written twice: two entries that
    are the same bytes, whose compressed sizes add up to more than the archive."""
    end = data.rindex(b"PK\x05\x06")
    entries, size, offset = struct.unpack("<HIL", data[end + 10 : end + 20])
    directory = data[offset : offset + size]
    record = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 2 * entries, 2 * entries, 2 * size, offset, 0
    )
    return data[:offset] + directory * 2 + record


def test_entries_that_overlap_are_refused(tmp_path):
    once = stored(5000)
    assert inspect(tmp_path, once).kind == "zip"
    refused = refusal(tmp_path, overlapping(once))
    assert refused.message == WRONG_TYPE
    assert refused.reason == (
        "zip bomb: entries overlap: their compressed sizes add up to the whole archive or more"
    )


def declaring_compressed_sizes(data: bytes, total: int) -> bytes:
    """`data` (a zip) whose central directory says its last entry's compressed size is whatever
    makes the sizes add up to `total`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        others = sum(info.compress_size for info in archive.infolist()[:-1])
    lying = bytearray(data)
    at = lying.rindex(b"PK\x01\x02") + 20  # the compressed size, in the last entry's header
    lying[at : at + 4] = struct.pack("<L", total - others)
    return bytes(lying)


def test_compressed_sizes_that_add_up_to_the_whole_archive_are_refused(tmp_path):
    """A DOCX's entries are never opened, so its central directory is all that is read: sizes
    that leave no room for the headers every zip has are refused."""
    document = files.docx()
    refused = refusal(tmp_path, declaring_compressed_sizes(document, len(document)))
    assert refused.message == WRONG_TYPE
    assert "entries overlap" in refused.reason
    one_byte_less = declaring_compressed_sizes(document, len(document) - 1)
    assert inspect(tmp_path, one_byte_less).kind == "docx"


def test_only_the_encryption_flag_means_password_protected(tmp_path):
    # A name outside ASCII sets another flag (bit 11, UTF-8 names): an ordinary zip.
    accented = files.zip_of([("Política de uso aceptable.pdf", files.PDF)])
    with zipfile.ZipFile(io.BytesIO(accented)) as archive:
        assert archive.infolist()[0].flag_bits == 0x800
    assert inspect(tmp_path, accented).kind == "zip"


def test_an_appledouble_file_outside_macosx_is_not_metadata(tmp_path):
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00" + b"\x00" * 20
    # "Documents" sorts before "__MACOSX": only the folder itself makes it metadata.
    # "docs" sorts after it: the folder's name, not where it sorts, makes it metadata.
    for name in ("Documents/._a.pdf", "._a.pdf", "A/__MACOSX/._a.pdf", "docs/._a.pdf"):
        entries = [("a.pdf", files.PDF), (name, apple_double)]
        refused = refusal(tmp_path, files.zip_of(entries))
        assert refused.message == WRONG_TYPE, name
        assert name in refused.reason


def test_many_small_entries_that_expand_too_much_together_are_a_bomb(tmp_path):
    """Each entry under a mebibyte (so none is judged alone) and the whole far over: the whole
    zip's ratio refuses it."""
    part = b"%PDF-" + bytes(512 * 1024 - 5)
    upload = files.zip_of([(f"part{n:02}.pdf", part) for n in range(20)])
    assert len(upload) * LIMITS.max_ratio < 20 * len(part)
    refused = refusal(tmp_path, upload)
    assert refused.message == WRONG_TYPE
    assert refused.reason.startswith("zip bomb: expands ")


def first_entry_flagged(data: bytes, bit: int) -> bytes:
    """`data` with flag `bit` set on its first entry, in its local and central headers."""
    flagged = bytearray(data)
    assert flagged[:4] == b"PK\x03\x04"
    for at in (6, flagged.index(b"PK\x01\x02") + 8):  # two bytes, least significant first
        flags = int.from_bytes(flagged[at : at + 2], "little") | bit
        flagged[at : at + 2] = flags.to_bytes(2, "little")
    return bytes(flagged)


def kind_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return container_kind(archive)


def test_an_odt_is_known_by_its_readable_mimetype_entry_holding_exactly_its_type():
    assert kind_of(files.odt()) == "odt"
    # Bit 11 says only how the name is encoded: still an ODT.
    assert kind_of(first_entry_flagged(files.odt(), 0x800)) == "odt"
    # An encrypted mimetype entry is not opened to find out: a plain zip.
    assert kind_of(first_entry_flagged(files.odt(), 0x1)) == "zip"
    # A longer type that begins with the ODT's (a text template's) is not an ODT.
    template = io.BytesIO()
    with zipfile.ZipFile(template, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text-template")
        archive.writestr("content.xml", "<office:document-content/>")
    assert kind_of(template.getvalue()) == "zip"
    # The type in a later entry, not the first: a plain zip.
    later = files.zip_of([("content.xml", b"<x/>"), ("mimetype", ODT_MIMETYPE)])
    assert kind_of(later) == "zip"
    # The type in a first entry of another name (sorting before "mimetype", or after): a zip.
    for name in ("Mimetype", "mimetype.txt"):
        assert kind_of(files.zip_of([(name, ODT_MIMETYPE), ("content.xml", b"<x/>")])) == "zip"
    # Another OpenDocument's type (a spreadsheet's sorts before a text's): a plain zip.
    spreadsheet = b"application/vnd.oasis.opendocument.spreadsheet"
    assert kind_of(files.zip_of([("mimetype", spreadsheet), ("content.xml", b"<x/>")])) == "zip"


def test_a_docx_is_known_by_both_its_content_types_and_its_document():
    assert kind_of(files.docx()) == "docx"
    with zipfile.ZipFile(io.BytesIO(files.docx())) as docx:
        parts = {info.filename: docx.read(info) for info in docx.infolist()}
    for missing in ("[Content_Types].xml", "word/document.xml"):
        rest = [(name, data) for name, data in parts.items() if name != missing]
        assert kind_of(files.zip_of(rest)) == "zip", missing


def test_an_inspection_and_the_zip_limits_cannot_be_changed_once_made(tmp_path):
    import dataclasses

    inspected = inspect(tmp_path, files.PDF)
    with pytest.raises(dataclasses.FrozenInstanceError):
        inspected.kind = "zip"
    with pytest.raises(dataclasses.FrozenInstanceError):
        LIMITS.max_ratio = 10**6
    assert (inspected.kind, LIMITS.max_ratio) == ("pdf", 100)


def test_the_inspections_limits_and_sizes_are_given_by_name(tmp_path):
    """The limits and sizes are keyword-only: one given by position, in the wrong order, could
    judge a zip by another's size."""
    path = tmp_path / "upload.zip"
    path.write_bytes(files.zip_of([("a.pdf", files.PDF)]))
    with pytest.raises(TypeError):
        evidence_inspect(path, LIMITS)
    assert evidence_inspect(path, limits=LIMITS).kind == "zip"
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(TypeError):
            check_zip(archive, path.stat().st_size, LIMITS, True)
        check_zip(archive, archive_size=path.stat().st_size, limits=LIMITS, open_entries=True)
