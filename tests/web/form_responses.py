"""Reading what the service did with a form post: the response's class, the error summary a
person reads, the values a page's form shows, and what a question must store of a form it
accepted, written from ADR 0007 and the engine's rules rather than with the service's code."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

from django.http import QueryDict

from questionnaire.engine.schema import FollowUpKind, Question, QuestionKind

# ADR 0007's set, written from the ADR rather than imported from core.middleware: C0 and C1
# control characters and DEL, but tab, line feed and carriage return.
CONTROL = "".join(
    chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"
)
_WITHOUT_CONTROL = str.maketrans("", "", CONTROL)
BAD_REQUEST_HEADING = "Sorry, we could not read what you sent"


def cleaned(text: str) -> str:
    """Text as ADR 0007 says the service keeps it: no control character but tab and line feed,
    every CRLF or lone CR a line feed."""
    return text.translate(_WITHOUT_CONTROL).replace("\r\n", "\n").replace("\r", "\n")


def control_characters_in(value: Any) -> set[str]:
    """Every ADR 0007 control character (and CR, which cleaning turns into LF) in a stored value,
    its keys included."""
    if isinstance(value, dict):
        return set().union(
            *(control_characters_in(k) | control_characters_in(v) for k, v in value.items())
        )
    if isinstance(value, list):
        return set().union(*(control_characters_in(v) for v in value))
    if isinstance(value, str):
        return {c for c in value if c in CONTROL or c == "\r"}
    return set()


def form_as_sent(body: bytes) -> dict[str, str]:
    """The form the body carries, read as Django reads UTF-8, then cleaned as ADR 0007 says:
    the last value of each (cleaned) key, as the views read it."""
    form: dict[str, str] = {}
    for key, values in QueryDict(body, encoding="utf-8").lists():
        for value in values:
            form[cleaned(key)] = cleaned(value)
    return form


def classify(response) -> str:
    """What the service did with a post, from the response alone."""
    assert response.status_code < 500, response.status_code
    if response.status_code == 302:
        return "saved"
    page = response.content.decode()
    if response.status_code == 400 and BAD_REQUEST_HEADING in page:
        return "unreadable"
    if response.status_code == 400 and error_summary(page):
        return "refused"
    return f"other ({response.status_code})"


def error_summary(page: str) -> list[str]:
    """The error summary's messages, as a person reads them."""
    summary = re.search(r'class="nhsuk-error-summary".*?</div>\s*</div>', page, re.S)
    if summary is None:
        return []
    found = re.findall(r'<a href="#[^"]*"\s*>([^<]*)</a>', summary.group(0))
    return [html.unescape(" ".join(text.split())) for text in found]


class FormReader(HTMLParser):
    """The values a page's form shows: text inputs' values, checked radios and checkboxes, and
    textareas' text, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "input" and name and name not in {"csrfmiddlewaretoken", "version"}:
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    self.values[name] = a.get("value") or ""
            else:
                self.values[name] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += data


def form_shown(page: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(page)
    return {k: v for k, v in reader.values.items() if v != ""}


def stored_from(question: Question, form: dict[str, str]) -> dict[str, str]:
    """What the question stores of a form that it accepted, written from the engine's rules:
    options as sent, text without the spaces at its ends, a date as ISO."""
    main = form.get("answer", "")
    if question.kind is QuestionKind.DATE:
        parts = [form.get(f"answer-{p}", "").strip() for p in ("year", "month", "day")]
        return {"value": date(*(int(p) for p in parts)).isoformat()}
    if question.kind is QuestionKind.TEXT:
        return {"value": main.strip()}
    stored = {"value": main}
    for follow_up in question.follow_ups_for(main):
        sent = form.get(follow_up.id, "")
        stored[follow_up.id] = sent if follow_up.kind is FollowUpKind.RADIOS else sent.strip()
    return stored


def shown_for(question: Question, stored: dict[str, str]) -> dict[str, str]:
    """What the page's form must show of a stored answer."""
    if question.kind is QuestionKind.DATE:
        value = date.fromisoformat(stored["value"])
        return {
            "answer-day": str(value.day),
            "answer-month": str(value.month),
            "answer-year": str(value.year),
        }
    shown = {"answer": stored["value"]}
    shown |= {k: v for k, v in stored.items() if k != "value"}
    return shown
