"""`{% cache %}`: render a fragment of a page once, and reuse it while what it is made from is the
same (ADR 0027).

    {% cache "question-fields", definition.id, definition.version, question.id, data, errors %}
      {{ question_fields(question, data, field_errors, caption) }}
    {% endcache %}

The key is the template's name, the tag's line, and every value after it. The fragment must be
made from those values alone: a value it shows that is not in the key would be shown to the next
person whose key matched. So the key names, explicitly, everything the fragment depends on (the
questionnaire definition's id and version for its wording, the saved or typed value, the errors),
and two people see the same fragment only when it would be the same for both.

A fragment longer than FRAGMENT_MAX_CHARS is rendered and not kept: what a person typed, refused
and shown again, can be megabytes, and a worker's memory is not theirs to fill.

A fragment never holds a CSRF token or a CSP nonce: those are one person's, one request's. The
tag refuses, loudly, to cache a fragment that contains either, so a mistake fails the tests rather
than serving one person's token to another.

Values are turned into the key as JSON: strings, numbers, booleans, None, lists, dicts, sets (in
order), dataclasses and pydantic models (by their fields). Anything else is refused: an object's
default text, such as its address in memory, would make a key that never matches again, or worse.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup
from pydantic import BaseModel

CACHE_ALIAS = "default"
CSRF_FIELD = 'name="csrfmiddlewaretoken"'
# A fragment longer than this is rendered and not kept. The question fields with every field at
# its maximum length are about 10,000 characters; a refused answer is shown again as typed, and a
# form may be 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE): kept, a few thousand posts would hold
# gigabytes in each worker until it restarts. This bounds a worker's fragments to about
# FRAGMENT_CACHE_ENTRIES x FRAGMENT_MAX_CHARS.
FRAGMENT_MAX_CHARS = 32_768


class UncacheableFragment(RuntimeError):
    """A fragment that holds a per-request secret, or a key made of a value with no stable form."""


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise UncacheableFragment(
        f"{type(value).__name__} cannot be part of a fragment's key: pass its fields"
    )


def fragment_key(template: str, line: int, parts: list[Any]) -> str:
    text = json.dumps([template, line, parts], sort_keys=True, default=_plain)
    return "fragment:" + hashlib.sha256(text.encode()).hexdigest()


class FragmentCacheExtension(Extension):
    tags = {"cache"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method(
            "_fragment",
            [
                nodes.ContextReference(),
                nodes.Const(parser.name or ""),
                nodes.Const(lineno),
                nodes.List(parts),
            ],
        )
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(
        self,
        context: Context,
        template: str,
        line: int,
        parts: list[Any],
        caller: Callable[[], str],
    ) -> Markup:
        cache = caches[CACHE_ALIAS]
        key = fragment_key(template, line, parts)
        cached = cache.get(key)
        if cached is not None:
            return Markup(cached)  # noqa: S704 - rendered by this template, escaped as it was
        rendered = caller()
        _refuse_secrets(rendered, context, template, line)
        if len(rendered) <= FRAGMENT_MAX_CHARS:
            cache.set(key, str(rendered))
        return Markup(rendered)  # noqa: S704 - caller() is the template's own escaped output


def _refuse_secrets(rendered: str, context: Context, template: str, line: int) -> None:
    # Every page sends a nonce with its script tag (layout.jinja), so reading it here costs nothing.
    nonce = context.get("csp_nonce")
    nonce_text = str(nonce) if nonce is not None else ""
    if CSRF_FIELD in rendered or (nonce_text and nonce_text in rendered):
        raise UncacheableFragment(
            f"{template}, line {line}: a cached fragment must not hold a CSRF token or a CSP nonce"
        )
