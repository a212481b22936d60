"""No log line holds an email address or what a person typed (issue 27, ADR 0040): every log
record the service writes during a system test (the live server runs in the test's process, so
its records reach the root logger here) is read whole, message, extra fields and traceback, as
the log would hold it before any redaction, and checked for

- any email address (operations.sentry.EMAIL, the pattern the logs and Sentry redact), and
- any text the test typed into a page through Playwright (Locator.fill, Page.fill,
  Keyboard.type and insert_text, Locator.press_sequentially): answers, names, passwords. Text of
  fewer than six characters, or without a letter (codes, dates, numbers), is left out: it would
  match ids and durations by chance and says nothing about a person.

Cheap: a handler appends each record's text; the check runs once, when the test ends."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Keyboard, Locator, Page
from pythonjsonlogger.json import JsonFormatter

from operations.sentry import EMAIL

SHORTEST_TYPED = 6


def _personal(text: str) -> bool:
    return len(text.strip()) >= SHORTEST_TYPED and any(c.isalpha() for c in text)


@dataclass
class LogWatch:
    lines: list[str] = field(default_factory=list)
    typed: set[str] = field(default_factory=set)

    def findings(self) -> list[str]:
        found = []
        for line in self.lines:
            if match := EMAIL.search(line):
                found.append(f"an email address ({match.group()}) in: {line[:300]}")
            found.extend(
                f"typed text ({text!r}) in: {line[:300]}" for text in self.typed if text in line
            )
        return found


class _Collect(logging.Handler):
    def __init__(self, watch: LogWatch) -> None:
        super().__init__(level=logging.DEBUG)
        # Every field of the record (the request line's extras too) and the traceback, unscrubbed.
        self.setFormatter(
            JsonFormatter("%(name)s %(levelname)s %(message)s", json_ensure_ascii=False)
        )
        self.watch = watch

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.watch.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is kept as it is
            self.watch.lines.append(repr(record.__dict__))


def _recording(original: Any, watch: LogWatch, position: int) -> Any:
    def typed(*args: Any, **kwargs: Any) -> Any:
        text = kwargs.get("value", kwargs.get("text"))
        if text is None and len(args) > position:
            text = args[position]
        if isinstance(text, str) and _personal(text):
            watch.typed.add(text)
        return original(*args, **kwargs)

    return typed


@contextmanager
def watch_logs(monkeypatch: Any) -> Iterator[LogWatch]:
    watch = LogWatch()
    # (class, method, position of the text among the call's arguments, self included)
    for owner, name, position in (
        (Locator, "fill", 1),
        (Locator, "press_sequentially", 1),
        (Page, "fill", 2),
        (Keyboard, "type", 1),
        (Keyboard, "insert_text", 1),
    ):
        monkeypatch.setattr(owner, name, _recording(getattr(owner, name), watch, position))
    handler = _Collect(watch)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield watch
    finally:
        root.removeHandler(handler)
