"""The Stage 2 state machine: which transitions are allowed, and what each state lets the
applicant do. The states themselves are the vocabulary in ``applications.states``."""

from applications.states import Stage2State

S = Stage2State
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.PAUSED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_REVIEW, S.PAUSED, S.WITHDRAWN},
    S.IN_REVIEW: {S.CHANGES_REQUESTED, S.APPROVED, S.PAUSED, S.WITHDRAWN},
    S.CHANGES_REQUESTED: {S.SUBMITTED, S.PAUSED, S.WITHDRAWN},
    # A pause returns to the state it paused from (the from_state of the transition into it).
    S.PAUSED: {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.WITHDRAWN},
    S.APPROVED: {S.PAUSED},
    S.WITHDRAWN: set(),
}

# Working states (the state itself, or the one a pause paused from) in which the applicant may
# change answers. A pause never adds to these: paused from "submitted", answers stay fixed.
EDITABLE_STATES = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# States from which the applicant may submit (a paused Stage 2 must resume first).
SUBMITTABLE_STATES = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# Working states in which Stage 2 is decided: nothing more can be attested, the hazard log
# approved, or the application withdrawn.
DECIDED_STATES = frozenset({S.APPROVED, S.WITHDRAWN})
