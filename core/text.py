"""Text as the service keeps it (ADR 0007): the one rule for control characters, whether the text
came from a form, a file or the database, and whether it is being read or written out.

Plain Python, no Django: the NHS number checker, which may import nothing else of the service,
uses it too."""

from __future__ import annotations

import re

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
