"""No page of the suite shows markup, an escaped entity or an internal question id as text.

In an autoescaped Jinja2 template, `"<span>" ~ (x | e)` escapes the literal tag, because `~` with
a Markup operand escapes the other side, and a person reads `<span class="app-pre-wrap">` on the
page (issue 23, item 4; issue 24). `watch_pages()` reads every HTML page the test client is
given, in every test (tests/conftest.py turns it on), with the parser of tests/visible.py, and
calls a finding:

- markup shown as text: `<p>`, `</span>`, `<span class=…`: a tag followed by `>` or an
  attribute;
- an entity shown as text: `&lt;`, `&amp;`, `&quot;`, `&#39;` (decoded once, a page shows none);
- an internal question id shown as text: `c_incident_management`, `s_cso`, as whole words.

What a person typed may hold any of these, and the page rightly shows it as typed. So whatever
the test sent through the client (form fields, query strings, JSON, file names) is allowed where
it is shown: a finding that is part of a typed value is not one. Text a test put in by other means
(a service or the ORM) is declared with `@pytest.mark.shows_typed_text("…")`. The API (`/api/`)
is JSON and not read.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.visible import body_of, parse, rendered, title

MARKUP = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s*/?>|\s+[a-zA-Z_:@][-a-zA-Z0-9_:.@]*\s*(?:=|/?>))"
)
ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
QUESTION_ID = re.compile(r"\b[cs]_[a-z0-9]+(?:_[a-z0-9]+)*\b")
FINDINGS = (
    ("markup shown as text", MARKUP),
    ("an escaped entity shown as text", ENTITY),
    ("an internal question id shown", QUESTION_ID),
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What the check costs, for `VISIBLE_TEXT_TIMING=1` (tests/conftest.py prints it at the end).
COST = {"pages": 0, "seconds": 0.0}


@dataclass(frozen=True)
class Known:
    """A finding known and left for the issue that fixes it: on pages whose path matches `path`,
    text of `kind` that matches `shown` is not a finding. Everything else on the page is."""

    path: str
    kind: str
    shown: str
    why: str

    def covers(self, path: str, kind: str, shown: str) -> bool:
        return (
            kind == self.kind
            and re.search(self.path, path) is not None
            and re.fullmatch(self.shown, shown) is not None
        )


# Remove an entry when its page is put right; the check then holds that page whole.
KNOWN: list[Known] = []


@dataclass
class Finding:
    method: str
    path: str
    kind: str
    shown: str
    context: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.kind}: {self.shown!r} in …{self.context}…"


@dataclass
class Watch:
    typed: set[str] = field(default_factory=set)
    allowed: set[str] = field(default_factory=set)
    found: dict[tuple[str, str, str, str], Finding] = field(default_factory=dict)

    def type(self, value: Any) -> None:
        """Remember what the test sent, and the findings it holds, which a page may show."""
        for text in _sent(value):
            if text in self.typed:
                continue
            self.typed.add(text)
            for variant in {text, CONTROL.sub("", text), " ".join(text.split())}:
                for _, pattern in FINDINGS:
                    self.allowed.update(m.group(0) for m in pattern.finditer(variant))

    def read(self, method: str, path: str, response: Any) -> None:
        if path.startswith("/api/") or getattr(response, "streaming", False):
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        started = time.process_time()
        try:
            self._read(method, path, response)
        finally:
            COST["pages"] += 1
            COST["seconds"] += time.process_time() - started

    def _read(self, method: str, path: str, response: Any) -> None:
        root = parse(response.content.decode(response.charset or "utf-8", "replace"))
        text = title(root) + "\n" + rendered(body_of(root))
        for kind, pattern in FINDINGS:
            for match in pattern.finditer(text):
                if match.group(0) in self.allowed:
                    continue
                key = (method, path, kind, match.group(0))
                if key in self.found or any(k.covers(path, kind, key[3]) for k in KNOWN):
                    continue
                start, end = match.span()
                context = " ".join(text[max(0, start - 40) : end + 40].split())
                self.found[key] = Finding(method, path, kind, match.group(0), context)


def _sent(value: Any) -> Iterator[str]:
    """The texts in what the test sent: a form's fields (a dict), or a body or query string
    already encoded (JSON, or `name=value&…`), whose values, not names, are typed."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        yield from _strings(value)
        return
    try:
        yield from _strings(json.loads(value))
        return
    except ValueError:
        pass
    if "=" in value:
        yield from (v for _, v in parse_qsl(value, keep_blank_values=True))
    else:
        yield value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        yield value
        return
    if isinstance(value, dict):  # a form's or JSON's names are not typed, its values are
        for item in value.values():
            yield from _strings(item)
        return
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
        return
    name = getattr(value, "name", None)  # an uploaded file: its name is typed too
    if isinstance(name, str):
        yield name
    elif value is not None and not hasattr(value, "read"):
        yield str(value)


@contextmanager
def watch_pages(typed: tuple[str, ...] = ()) -> Iterator[Watch]:
    """Read every HTML page the test client gets while inside; yield the watch, whose `found`
    fills in as the test runs.

    What the test sends is noted where it is still unencoded (`get`, `post`, `put`, `patch`,
    `delete`); each response is read in `generic`, which every one of those, and each redirect
    a `follow=True` follows, goes through once. `Client.request` is left to the unaudited-write
    check (tests/audit/writes.py)."""
    from django.test.client import Client

    watch = Watch()
    watch.type(list(typed))
    names = ("get", "post", "put", "patch", "delete", "generic")
    originals = {name: getattr(Client, name) for name in names}
    own = {name for name in names if name in Client.__dict__}

    def sending(name: str):
        original = originals[name]

        def send(self: Client, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
            watch.type(data)
            watch.type(kwargs.get("query_params"))
            if "?" in path:
                watch.type(path.split("?", 1)[1])
            return original(self, path, data, *args, **kwargs)

        return send

    def generic(self: Client, *args: Any, **kwargs: Any) -> Any:
        response = originals["generic"](self, *args, **kwargs)
        request = getattr(response, "request", None) or {}
        watch.read(request.get("REQUEST_METHOD", "GET"), request.get("PATH_INFO", ""), response)
        return response

    for name in names:
        setattr(Client, name, generic if name == "generic" else sending(name))
    try:
        yield watch
    finally:
        for name in names:
            if name in own:
                setattr(Client, name, originals[name])
            else:
                delattr(Client, name)
