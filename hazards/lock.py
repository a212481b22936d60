"""When the hazard log can change (ADR 0048). The log is part of the answer to the hazard log
question (and, for a supplier, of the DCB0129 answer whose statement speaks of it): its hazards
and which log the answer speaks of change only while that answer can, so NHS England reviews,
and approves, the log it sees. What a CSO approved is kept as a fingerprint of its rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from applications.models import Application

from .models import Hazard
from .table import COLUMNS

# The questions whose answers the hazard log belongs to: 10 for a controller, 9 for a supplier,
# and the supplier's DCB0129 confirmation, whose statement says the log is approved (ADR 0045).
HAZARD_LOG_QUESTIONS = ("c_hazard_log", "s_hazard_log", "s_dcb0129")


class HazardLogLocked(Exception):
    """The hazard log cannot change now; ``reason`` says why in the applicant's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hazard_log_change_refusal(application: Application) -> str:
    """Why the hazard log (its hazards, or which log the answer speaks of) cannot change now,
    or "": it can while an answer it belongs to can (draft; in "changes requested", when NHS
    England named one of them or the changes brought one onto the route unanswered)."""
    from questionnaire.read_only import not_changeable_reason
    from questionnaire.selectors import answers_by_question, response_for, response_journey
    from workflow.selectors import Editability

    editability = Editability(application)
    if editability.all:
        return ""
    if editability.any:
        response = response_for(application)
        journey = response_journey(response, answers_by_question(response))
        if any(editability.question(journey, qid) for qid in HAZARD_LOG_QUESTIONS):
            return ""
    reason = not_changeable_reason(application) or "Your answers cannot be changed now."
    return f"The hazard log is part of your answer about it, so it cannot be changed now. {reason}"


def hazard_log_change_check(application: Application) -> None:
    """Raise HazardLogLocked when the hazard log cannot change now (the caller holds the
    application's row lock, so the state cannot move under it)."""
    reason = hazard_log_change_refusal(application)
    if reason:
        raise HazardLogLocked(reason)


def hazard_rows_fingerprint(hazards: Iterable[Hazard]) -> str:
    """SHA-256 of the hazards' values in the log's order, as canonical JSON: two logs with the
    same rows have the same fingerprint, any change to a value or the order another."""
    rows = [
        {name: getattr(h, name) for _, name, _, _ in COLUMNS}
        for h in sorted(hazards, key=lambda h: h.position)
    ]
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
