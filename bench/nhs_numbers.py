"""Benchmark: check one million NHS numbers, as the checker's page reads a file (64 KiB chunks).

Prints the time for a million valid numbers written "9434765919" with CRLF, the same written
"943 476 5919", and a worst case where every tenth number is invalid (each takes the slow path
and is counted, the first 1,000 listed), and a file that is one 19MB line. The goal is under 5
seconds. Run with `make bench`;
not a test."""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nhs_numbers.checking import NhsNumberFileCheck, check_digit

COUNT = 1_000_000
CHUNK = 64 * 1024


def valid_numbers(count: int) -> list[str]:
    numbers = []
    start = 400_000_000
    while len(numbers) < count:
        first_nine = f"{start:09d}"
        digit = check_digit(first_nine)
        if digit != 10:
            numbers.append(first_nine + str(digit))
        start += 7
    return numbers


def check_seconds(data: bytes) -> tuple[float, int, int]:
    checker = NhsNumberFileCheck()
    started = time.perf_counter()
    for offset in range(0, len(data), CHUNK):
        checker.feed(data[offset : offset + CHUNK])
    report = checker.finish()
    return time.perf_counter() - started, report.valid, report.invalid


def main() -> None:
    numbers = valid_numbers(COUNT)
    files = {
        "1,000,000 valid, 9434765919 CRLF": "\r\n".join(numbers).encode(),
        "1,000,000 valid, 943 476 5919 CRLF": "\r\n".join(
            f"{n[:3]} {n[3:6]} {n[6:]}" for n in numbers
        ).encode(),
        "1,000,000, every tenth wrong": "\r\n".join(
            n[:9] + str((int(n[9]) + 1) % 10) if i % 10 == 0 else n for i, n in enumerate(numbers)
        ).encode(),
        # A hostile file: one line as long as the page allows, with no line ending. Held in its
        # chunks and judged once: before, it was copied once per chunk (8 seconds).
        "one 19MB line, no line ending": b"9" * 19_000_000,
    }
    print(f"python {sys.version.split()[0]}")
    for name, data in files.items():
        runs = [check_seconds(data) for _ in range(3)]
        seconds = [run[0] for run in runs]
        _, valid, invalid = runs[0]
        print(
            f"nhs numbers: {name} ({len(data) / 1024 / 1024:.1f}MB): median "
            f"{statistics.median(seconds):.2f} s, worst {max(seconds):.2f} s "
            f"(valid {valid:,}, invalid {invalid:,}; goal under 5 s)"
        )


if __name__ == "__main__":
    main()
