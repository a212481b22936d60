"""The daily DSPT re-check uses the latest DSPT register snapshot as well as the declared date
(ADR 0023): a register taken on or after the declared publication that shows the organisation
below Standards Met, while the application declares Standards Met or higher, holds Stage 2 as a
lapse does; a newer snapshot or a newer declared publication lifts it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import organisation_create
from applications.states import Stage2State
from notifications.models import Notification
from tests.dspt_register.register_files import snapshot_of
from tests.web.conftest import make_member
from tests.workflow.dspt_support import application_with_dspt
from tests.workflow.test_dspt_update import approved, update  # noqa: F401 - fixture
from workflow.continuous.dspt_recheck import REGISTER_HOLD_LIFTED, dspt_recheck
from workflow.models import Hold, HoldOrigin

TODAY = date(2026, 11, 27)
# SUPPLIER (tests/answer_sets.py) declares Standards Met, published 15 September 2026.
BELOW = [("RNI", "Northern Imaging Trust", "Approaching Standards", "2026-09-15")]


def open_rechecks(application):
    return Hold.objects.filter(
        application=application, origin=HoldOrigin.DSPT_RECHECK, lifted_at__isnull=True
    )


@pytest.mark.django_db
def test_a_register_below_standards_met_holds_and_a_later_publication_lifts(
    approved,  # noqa: F811
    applicant,
    member,
    tmp_path,
):
    snapshot_of(tmp_path, BELOW, taken_on=date(2026, 11, 1))

    summary = dspt_recheck(TODAY)
    assert (summary.holds_raised, summary.holds_lifted) == (1, 0)
    hold = open_rechecks(approved).get()
    assert hold.reason == (
        "The DSPT register published on 1 November 2026 shows your organisation's DSPT as "
        "Approaching Standards, published 15 September 2026, below Standards Met. Your "
        "application says Standards Met, published 15 September 2026."
    )
    assert hold.raised_by is None
    approved.refresh_from_db()
    assert approved.stage2_state == Stage2State.PAUSED
    assert Notification.objects.filter(template="hold_raised", recipient=member.email).exists()
    # Again: the hold is open already.
    assert dspt_recheck(TODAY).holds_raised == 0
    assert open_rechecks(approved).count() == 1

    # Declaring Standards Met again, on the same publication, does not lift it: the register,
    # taken since, says otherwise.
    page = applicant.client.get(f"/applications/{approved.pk}/dspt").content.decode()
    assert "Register differs" in page
    assert (
        update(applicant.client, approved, "standards_exceeded", "15", "9", "2026").status_code
        == 302
    )
    assert open_rechecks(approved).exists()

    # A publication after the register was taken is one it cannot know yet: it lifts the hold.
    assert (
        update(applicant.client, approved, "standards_met", "20", "11", "2026").status_code == 302
    )
    assert not open_rechecks(approved).exists()
    approved.refresh_from_db()
    assert approved.stage2_state == Stage2State.APPROVED
    assert dspt_recheck(TODAY).holds_raised == 0


@pytest.mark.django_db
def test_a_newer_snapshot_at_standards_met_lets_the_recheck_lift_its_hold(
    organisation, member, tmp_path
):
    application = application_with_dspt(organisation, member, published="2026-05-01")
    snapshot_of(
        tmp_path,
        [("RNI", "Northern Imaging Trust", "Standards Not Met", "2026-05-01")],
        taken_on=date(2026, 11, 1),
        name="november.csv",
    )
    assert dspt_recheck(TODAY).holds_raised == 1
    snapshot_of(
        tmp_path,
        [("RNI", "Northern Imaging Trust", "Standards Met", "2026-05-01")],
        taken_on=date(2026, 11, 20),
        name="corrected.csv",
    )
    summary = dspt_recheck(TODAY)
    assert (summary.holds_raised, summary.holds_lifted) == (0, 1)
    hold = Hold.objects.get(origin=HoldOrigin.DSPT_RECHECK)
    assert (hold.lift_reason, hold.lifted_by) == (REGISTER_HOLD_LIFTED, None)
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    assert dspt_recheck(TODAY).holds_lifted == 0


@pytest.mark.django_db
def test_the_register_holds_only_a_passing_declaration_it_postdates(db, tmp_path):
    cases = {
        # code: (declared status, declared publication, register row or None)
        "RAF": ("standards_met", "2026-11-10", ("Approaching Standards", "2026-05-01")),
        "RBL": ("approaching_standards", "2026-05-01", ("Standards Not Met", "2026-05-01")),
        "RNO": ("standards_met", "2026-05-01", None),
        "ROK": ("standards_met", "2026-05-01", ("Standards Met", "2026-04-01")),
        "RHO": ("standards_exceeded", "2026-05-01", ("Not Published", "")),
    }
    applications = {}
    rows = []
    for code, (status, published, register) in cases.items():
        org = organisation_create(name=f"Trust {code}", ods_code=code, actor=None)
        user = make_member(org, f"lead@{code.lower()}.example")
        applications[code] = application_with_dspt(org, user, status=status, published=published)
        if register:
            rows.append((code, f"Trust {code}", *register))
    snapshot_of(tmp_path, rows, taken_on=date(2026, 11, 1))
    assert dspt_recheck(TODAY).holds_raised == 1
    held = {code for code, a in applications.items() if open_rechecks(a).exists()}
    # Published after the register was taken (RAF), declared below Standards Met (RBL: the
    # rules' business), not in the register (RNO), Standards Met in it (ROK): no hold.
    assert held == {"RHO"}


@pytest.mark.django_db
def test_with_a_snapshot_the_queries_of_a_run_with_nothing_to_do_do_not_grow(
    organisation, member, tmp_path
):
    snapshot_of(tmp_path, [("RNI", "Northern Imaging Trust", "Standards Met", "2026-06-01")])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            dspt_recheck(TODAY, batch_size=50)
        return len(captured)

    for _ in range(3):
        application_with_dspt(organisation, member, published="2026-06-01")
    few = queries()
    for _ in range(40):
        application_with_dspt(organisation, member, published="2026-06-01")
    assert queries() == few
