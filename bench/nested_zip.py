"""Benchmark: the CPU one upload costs when a zip holds documents (zips themselves) at the limits.

A DOCX or ODT inside an uploaded zip is the one nesting the inspection opens (evidence/
inspection.py, ADR 0008): its own central directory is read to check its entries. Two uploads are
built at the configured limits (EVIDENCE_ZIP_MAX_ENTRIES, EVIDENCE_ZIP_MAX_UNCOMPRESSED,
EVIDENCE_ZIP_MAX_RATIO), both accepted by the inspection:

- "one document": one DOCX entry as large as the uncompressed limit allows, compressed just
  within the ratio limit (a stored part of zeros with 1.1% random bytes), in a zip of about 12MB;
- "many documents": as many DOCX entries as the entry limit allows, each just under the 1 MiB
  below which an entry's own ratio is not judged (zeros, compressing about 1000 times), with one
  incompressible PDF entry that keeps the whole zip within the ratio limit.

For each it prints the CPU seconds of `evidence_inspect` (the rest of an upload, receiving,
hashing and storing, is `bench/upload.py`'s), how many bytes were decompressed as a multiple of
the documents' size ("passes"), and the peak RSS growth while inspecting (each upload in a
process of its own). Run with `make bench`; not a
test."""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import secrets
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from evidence.inspection import RATIO_FLOOR, ZipLimits, evidence_inspect  # noqa: E402
from tests.evidence import files  # noqa: E402

MIB = 1024 * 1024
# Random bytes in each MiB of the large document: enough that deflate keeps it within the ratio
# limit (about 93 times for a limit of 100), so the upload is accepted.
RANDOM_PER_MIB = 9_800


def docx_parts() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(files.docx())) as document:
        return [(info.filename, document.read(info)) for info in document.infolist()]


def padding(size: int, random_per_mib: int) -> Iterator[bytes]:
    written = 0
    while written < size:
        block = min(MIB, size - written)
        noise = min(random_per_mib, block)
        yield secrets.token_bytes(noise) + bytes(block - noise)
        written += block


def write_docx(out, padding_size: int, random_per_mib: int) -> None:
    """A valid DOCX (by its parts) with a stored media part of `padding_size` bytes, streamed
    into `out` (an entry of the outer zip being written)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as document:
        for name, data in docx_parts():
            document.writestr(name, data)
        info = zipfile.ZipInfo("word/media/padding.bin")
        info.compress_type = zipfile.ZIP_STORED
        with document.open(info, "w", force_zip64=padding_size > 2**31) as part:
            for block in padding(padding_size, random_per_mib):
                part.write(block)


def one_document(path: Path, limits: ZipLimits) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        info = zipfile.ZipInfo("evidence.docx")
        info.compress_type = zipfile.ZIP_DEFLATED
        # The document's own parts and headers take a few KB: leave them room within the limit.
        with outer.open(info, "w", force_zip64=True) as entry:
            write_docx(entry, limits.max_uncompressed - 64 * 1024, RANDOM_PER_MIB)


def many_documents(path: Path, limits: ZipLimits) -> None:
    count = limits.max_entries - 1
    document_size = RATIO_FLOOR - 1
    with tempfile.TemporaryFile() as scratch:
        # One document, copied: each entry is the same zip of just under 1 MiB.
        write_docx(scratch, document_size - 2048, 0)
        scratch.seek(0)
        document = scratch.read()
    assert len(document) < RATIO_FLOOR, len(document)
    total = count * len(document)
    pdf_size = min(limits.max_uncompressed - total, total // limits.max_ratio + MIB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        for number in range(count):
            outer.writestr(f"documents/{number:04d}.docx", document)
        info = zipfile.ZipInfo("scan.pdf")
        info.compress_type = zipfile.ZIP_STORED
        with outer.open(info, "w", force_zip64=True) as entry:
            entry.write(b"%PDF-1.7\n")
            for block in padding(pdf_size - 9, MIB):
                entry.write(block)


class Decompressed:
    """Counts the bytes every zip entry read gives (decompressed, or read as stored): seeks in
    an entry read it again, so this is the work the inspection does, whatever its shape."""

    def __init__(self) -> None:
        self.bytes = 0
        self._read1 = zipfile.ZipExtFile._read1

    def __enter__(self) -> Decompressed:
        counter, original = self, self._read1

        def counted(entry: zipfile.ZipExtFile, n: int) -> bytes:
            data = original(entry, n)
            counter.bytes += len(data)
            return data

        zipfile.ZipExtFile._read1 = counted
        return self

    def __exit__(self, *exc: object) -> None:
        zipfile.ZipExtFile._read1 = self._read1


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(
    name: str, build: Callable[[Path, ZipLimits], None], limits: ZipLimits, folder: Path
) -> None:
    path = folder / f"{name.replace(' ', '-')}.zip"
    build(path, limits)
    with zipfile.ZipFile(path) as archive:
        documents = sum(i.file_size for i in archive.infolist() if i.filename.endswith(".docx"))
        entries = len(archive.infolist())
        total = sum(i.file_size for i in archive.infolist())
    size = path.stat().st_size
    before = peak_rss_kib()
    with Decompressed() as decompressed:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            outcome = evidence_inspect(path, limits=limits).kind
        except Exception as error:  # noqa: BLE001 - a refusal is a figure too
            outcome = f"refused ({getattr(error, 'reason', error)})"
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    growth = max(0, peak_rss_kib() - before) / 1024
    print(
        f"nested zip: {name}: {entries} entries, {total / MIB:.0f} MiB uncompressed in a "
        f"{size / 1e6:.1f} MB zip ({total / size:.0f}x), documents {documents / MIB:.0f} MiB: "
        f"{outcome}; CPU {cpu:.2f} s, wall {wall:.2f} s; decompressed "
        f"{decompressed.bytes / MIB:.0f} MiB = {decompressed.bytes / max(documents, 1):.2f} "
        f"passes over the documents; peak RSS growth {growth:.1f} MiB",
        flush=True,
    )
    path.unlink()


def main() -> None:
    limits = ZipLimits.from_settings()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; limits: "
        f"{limits.max_entries} entries, {limits.max_uncompressed} bytes, ratio {limits.max_ratio}"
    )
    with tempfile.TemporaryDirectory(prefix="nir-bench-nested-zip-") as folder:
        for name, build in (("one document", one_document), ("many documents", many_documents)):
            # Each in a process of its own, so that its peak RSS is its own.
            child = multiprocessing.get_context("fork").Process(
                target=measure, args=(name, build, limits, Path(folder))
            )
            child.start()
            child.join()
            if child.exitcode:
                raise SystemExit(f"nested zip: {name} failed ({child.exitcode})")


if __name__ == "__main__":
    main()
