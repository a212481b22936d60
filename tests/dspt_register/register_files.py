"""DSPT register files the tests write themselves, and snapshots made through the import."""

from datetime import date
from pathlib import Path

from dspt_register.services import dspt_register_import

HEADER = "Organisation code,Organisation name,Status,Publication date\n"


def register_csv(
    tmp_path: Path, rows: list[tuple[str, str, str, str]], *, name="dspt.csv", header=HEADER
) -> Path:
    path = tmp_path / name
    lines = [header] + [",".join(f'"{cell}"' for cell in row) + "\n" for row in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def snapshot_of(tmp_path: Path, rows, *, taken_on=date(2026, 11, 1), name="dspt.csv"):
    path = register_csv(tmp_path, rows, name=name)
    return dspt_register_import(
        open_file=lambda: path.open("rb"), source=path.name, taken_on=taken_on, actor=None
    ).snapshot
