"""The declaration that ends Check your answers (issue 13), in the design system's pattern: who
is sending, for which organisation, and what they confirm by selecting "Accept and send".

The words are built here once, from the person and the organisation, for the page and for the
submission snapshot alike, so the snapshot holds exactly the words the person read. The page
posts back their SHA-256; a submission is refused if the words have changed since (a name
changed in another tab), and the person reads them again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import Organisation, User


@dataclass(frozen=True)
class Declaration:
    opening: str
    lead_in: str
    confirmations: tuple[str, ...]

    @property
    def text(self) -> str:
        """The exact words as one plain text: the opening, the lead-in and each confirmation."""
        lines = [self.opening, self.lead_in, *(f"- {item}" for item in self.confirmations)]
        return "\n".join(lines)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def declaration_for(*, user: User, organisation: Organisation) -> Declaration:
    who = f"{user.full_name} ({user.email})" if user.full_name else user.email
    where = f"{organisation.name} ({organisation.ods_code})"
    return Declaration(
        opening=f"You are sending these answers as {who}, for {where}.",
        lead_in="By selecting Accept and send, you confirm that:",
        confirmations=(
            "the answers are correct to the best of your knowledge",
            f"you are authorised by {organisation.name} to send them to NHS England",
            f"{organisation.name} will make the documents named in the questions available to "
            "NHS England on request",
        ),
    )
