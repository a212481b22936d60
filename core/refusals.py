"""A refusal that says why and what to do next (issue 25, ADR 0036).

A view or selector that refuses raises ``Refused`` with the reason in the reader's terms and the
next steps that fit who they are; the 403 page (``core.views.permission_denied``) shows both. A
bare ``PermissionDenied`` still works: the page then says the account cannot use it and offers
the reader's own home (``accounts.refusals.home_steps``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class NextStep:
    """A link to what the reader can do instead, or (without ``href``) advice to read."""

    text: str
    href: str = ""


class Refused(PermissionDenied):
    def __init__(self, reason: str, next_steps: Sequence[NextStep] = ()):
        super().__init__(reason)
        self.reason = reason
        self.next_steps = tuple(next_steps)
