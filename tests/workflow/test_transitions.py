"""The one way Stage 2 changes state (workflow/state_machine/transitions.py) against the state
machine (workflow/state_machine/states.py): every pair of states either moves, with a transition
row, a version bump and an audit entry, or is refused and changes nothing. `make mutation` runs
these against both modules (docs/testing.md)."""

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from workflow.state_machine.states import (
    ALLOWED_TRANSITIONS,
    DECIDED_STATES,
    EDITABLE_STATES,
    SUBMITTABLE_STATES,
)
from workflow.state_machine.transitions import TransitionNotAllowed, stage2_touch, stage2_transition

S = Stage2State

# The state machine written out here, not read from workflow/state_machine/states.py, so a change
# there fails.
EXPECTED = {
    S.DRAFT: {S.SUBMITTED, S.PAUSED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_REVIEW, S.PAUSED, S.WITHDRAWN},
    S.IN_REVIEW: {S.CHANGES_REQUESTED, S.APPROVED, S.PAUSED, S.WITHDRAWN},
    S.CHANGES_REQUESTED: {S.SUBMITTED, S.PAUSED, S.WITHDRAWN},
    S.PAUSED: {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.WITHDRAWN},
    S.APPROVED: {S.PAUSED},
    S.WITHDRAWN: set(),
}


def test_the_state_machine_is_as_written():
    assert ALLOWED_TRANSITIONS == EXPECTED
    assert {S.DRAFT, S.CHANGES_REQUESTED} == EDITABLE_STATES == SUBMITTABLE_STATES
    # Decided: the states no transition leaves except to a pause (approved) or at all.
    assert {S.APPROVED, S.WITHDRAWN} == DECIDED_STATES
    assert all(ALLOWED_TRANSITIONS[s] <= {S.PAUSED} for s in DECIDED_STATES)


@pytest.fixture
def application(organisation, member):
    return Application.objects.create(
        organisation=organisation, scope="both", role="supplier", created_by=member
    )


def in_state(application, state):
    Application.objects.filter(pk=application.pk).update(stage2_state=state, stage2_version=5)
    application.refresh_from_db()
    return application


def test_each_pair_of_states_moves_or_is_refused(application, reviewer):
    # One test over all 49 pairs, not 49 tests: each would build the organisation again.
    for from_state in S.values:
        for to_state in S.values:
            move_or_refuse(application, reviewer, from_state, to_state)


def move_or_refuse(application, reviewer, from_state, to_state):
    application = in_state(application, from_state)
    entries = AuditEntry.objects.count()
    transitions = application.stage2_transitions.count()
    pair = f"{from_state} -> {to_state}"
    if to_state in EXPECTED[from_state]:
        transition = stage2_transition(
            application=application, to_state=to_state, actor=reviewer, reason="Because."
        )
        application.refresh_from_db()
        assert application.stage2_state == to_state, pair
        assert application.stage2_version == 6, pair
        assert (transition.from_state, transition.to_state, transition.reason) == (
            from_state,
            to_state,
            "Because.",
        )
        assert transition.actor == reviewer
        assert application.stage2_transitions.count() == transitions + 1, pair
        entry = AuditEntry.objects.latest("sequence")
        assert AuditEntry.objects.count() == entries + 1, pair
        assert entry.action == "application.stage2_transition"
        assert entry.actor_id == reviewer.pk
        assert entry.before == {"state": from_state}
        assert entry.after == {"state": to_state, "reason": "Because."}
    else:
        with pytest.raises(TransitionNotAllowed):
            stage2_transition(
                application=application, to_state=to_state, actor=reviewer, reason="Because."
            )
        application.refresh_from_db()
        assert application.stage2_state == from_state, pair
        assert application.stage2_version == 5, pair
        assert application.stage2_transitions.count() == transitions, pair
        assert AuditEntry.objects.count() == entries, pair


@pytest.mark.parametrize("from_state", [S.DRAFT, S.CHANGES_REQUESTED])
def test_a_submission_is_timed(application, member, from_state):
    application = in_state(application, from_state)
    # The state as a plain string, as a form or the database gives it, not the enum member.
    stage2_transition(application=application, to_state="submitted", actor=member, reason="")
    application.refresh_from_db()
    assert application.stage2_submitted_at is not None


def test_resuming_a_pause_into_submitted_is_not_a_new_submission(application, reviewer):
    application = in_state(application, S.PAUSED)
    stage2_transition(application=application, to_state=S.SUBMITTED, actor=reviewer, reason="")
    application.refresh_from_db()
    assert application.stage2_submitted_at is None


def test_other_moves_do_not_time_a_submission(application, reviewer):
    # Every allowed move into another state, withdrawing included ("withdrawn" sorts after
    # "submitted", so a `>=` in place of `==` would time it).
    for from_state, to_states in EXPECTED.items():
        for to_state in to_states - {S.SUBMITTED}:
            application = in_state(application, from_state)
            stage2_transition(application=application, to_state=to_state, actor=reviewer, reason="")
            application.refresh_from_db()
            assert application.stage2_submitted_at is None, f"{from_state} -> {to_state}"


def test_a_touch_bumps_the_version_only(application):
    application = in_state(application, S.IN_REVIEW)
    stage2_touch(application)
    application.refresh_from_db()
    assert (application.stage2_state, application.stage2_version) == (S.IN_REVIEW, 6)
