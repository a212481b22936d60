"""Text as the service keeps it (ADR 0007): the one rule for control characters, whether the text
came from a form, a file or the database, and whether it is being read or written out.

Plain Python, no Django: the NHS number checker, which may import nothing else of the service,
uses it too."""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 control characters and DEL, except tab, line feed and carriage return: invisible
# copy-and-paste debris that nobody means to type. PostgreSQL refuses NUL in text and in JSON,
# and XLSX (XML 1.0) cannot hold most of the others.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Text as the service keeps it: no control characters but tab and line feed, and every line
    break (CRLF from browsers, or a lone CR) a line feed."""
    return CONTROL_CHARACTERS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def has_control_characters(text: str) -> bool:
    """Whether `clean_text` would remove anything from `text` (line breaks aside): for what is
    refused rather than cleaned."""
    return CONTROL_CHARACTERS.search(text) is not None


def clean_strings(value: Any) -> Any:
    """`value` with every string in it cleaned, keys included, through dictionaries, lists and
    tuples: a document (JSON, FHIR) about to be written out."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_strings(key): clean_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_strings(item) for item in value]
    return value


def json_controls_escaped(text: str) -> str:
    """JSON text with every control character written as its \\u escape, so that the file holds
    none raw: json.dumps escapes U+0000-U+001F itself, but with ensure_ascii=False leaves DEL
    and the C1 controls as they are. Outside a string JSON holds none, so the escape lands in
    one and the parsed value is unchanged."""
    return CONTROL_CHARACTERS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun, "1 answer" or "2 answers", never "answer(s)"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
