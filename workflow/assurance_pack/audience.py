"""Who an assurance pack is for, and what of the audit log they may read (ADR 0026, issue 22).

NHS England's copy holds every audit entry as it is. The organisation's copy holds no email
address its members would not see on their own pages: their organisation's people (members,
invitations, the application's key personnel and who was asked to attest), and what they or
NHS England wrote for them (answers, document requests, holds, the pack's own summary). Any
other address (a reviewer's, in the notifications of a submission, in a review's assignment)
is replaced by ``WITHHELD``, and the entry is marked ``withheld``: its hash can then no longer
be recomputed from the pack, only checked against the database by NHS England.

The rule fails closed: an address is withheld unless it is known to be the reader's to see,
and an NHS England account's address is always withheld, wherever the organisation met it.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

from accounts.models import Invitation, User, UserKind, normalise_email
from applications.models import Application
from attestations.models import Attestation, KeyPerson
from questionnaire.models import AnswerRevision
from workflow.models import DocumentRequest, Submission

WITHHELD = "(email address withheld)"
# Generous on purpose: something that merely looks like an address is withheld too.
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


class Audience(StrEnum):
    ORGANISATION = "organisation"
    NHS_ENGLAND = "NHS England"


def emails_in(value: Any) -> set[str]:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return {normalise_email(match) for match in EMAIL.findall(text)}


def organisation_visible_emails(
    application: Application, data: dict[str, Any], entries: list[dict[str, Any]]
) -> set[str]:
    """Every email address the organisation's members see on their pages about the application,
    lower case. ``data``: the organisation's application.json; ``entries``: the audit entries
    going into its pack (a key person's earlier address is in theirs)."""
    organisation = application.organisation
    seen: set[str] = emails_in(data)
    seen |= emails_in(list(organisation.memberships.values_list("user__email", flat=True)))
    seen |= emails_in(
        list(Invitation.objects.filter(organisation=organisation).values_list("email", flat=True))
    )
    seen |= emails_in(list(KeyPerson.objects.filter(application=application).values()))
    seen |= emails_in(
        list(
            Attestation.objects.filter(application=application).values_list(
                "email", "decline_reason"
            )
        )
    )
    seen |= emails_in([entry for entry in entries if entry["object_type"] == KeyPerson._meta.label])
    seen |= emails_in(
        list(
            AnswerRevision.objects.filter(response__application=application).values_list(
                "value", "display"
            )
        )
    )
    seen |= emails_in(list(Submission.objects.filter(application=application).values("snapshot")))
    seen |= emails_in(
        list(
            DocumentRequest.objects.filter(application=application).values_list(
                "title", "note", "response_note"
            )
        )
    )
    # An address the organisation typed (an answer, an invitation later revoked) is not thereby
    # theirs to see when it is NHS England staff's: otherwise a guessed reviewer's address,
    # typed once, would show who reviewed them (found by review).
    return seen - emails_in(
        list(
            User.objects.filter(kind__in=(UserKind.REVIEWER, UserKind.ADMINISTRATOR)).values_list(
                "email", flat=True
            )
        )
    )


def _withhold(value: Any, visible: set[str]) -> Any:
    if isinstance(value, str):
        return EMAIL.sub(
            lambda m: m.group(0) if normalise_email(m.group(0)) in visible else WITHHELD, value
        )
    if isinstance(value, list):
        return [_withhold(item, visible) for item in value]
    if isinstance(value, dict):
        return {_withhold(k, visible): _withhold(v, visible) for k, v in value.items()}
    return value


def entries_for(
    audience: Audience, entries: list[dict[str, Any]], visible: set[str] | None
) -> list[dict[str, Any]]:
    """The audit entries as ``audience`` may read them: for the organisation, each address it
    would not see replaced, and such an entry marked ``"withheld": true``."""
    if audience == Audience.NHS_ENGLAND:
        return entries
    assert visible is not None
    kept = []
    for entry in entries:
        content = {name: entry[name] for name in ("subject", "before", "after")}
        shown = _withhold(content, visible)
        kept.append({**entry, **shown, "withheld": True} if shown != content else entry)
    return kept
