"""An application's declared DSPT against the latest DSPT register snapshot: verified, register
differs (both values shown to the reviewer and the applicant), not in register, no snapshot; a
declared status above the register's is flagged; the reviewer's queue filters on it. The queue's
SQL and the pages' Python must agree."""

from datetime import date

import pytest

from accounts.services import organisation_create
from applications.models import Application
from review.selectors import QueueFilters, queue_queryset
from tests.dspt_register.register_files import snapshot_of
from tests.visible import texts, words
from tests.web.conftest import make_member, signed_in
from tests.workflow.dspt_support import application_with_dspt
from workflow.continuous.dspt import dspt_standing_of
from workflow.continuous.dspt_register_check import RegisterOutcome, register_check_of

TODAY = date(2026, 11, 27)


def check(application):
    return register_check_of(application, dspt_standing_of(application, TODAY))


def queue_outcomes(reviewer, **filters):
    rows = queue_queryset(user=reviewer, filters=QueueFilters(**filters))
    return {
        a.organisation.ods_code: (a.dspt_register_outcome, a.dspt_declared_higher) for a in rows
    }


@pytest.fixture
def world(db, organisation, member):
    """One application per outcome (and one Not Published, verified), made in the database."""
    made = {"RNI": application_with_dspt(organisation, member, published="2026-05-01")}
    for code, status, published in [
        ("RDF", "standards_met", "2026-04-01"),  # register: same status, other date
        ("RHI", "standards_exceeded", "2026-05-01"),  # register: Approaching Standards
        ("RLO", "standards_not_met", "2026-05-01"),  # register: Standards Met (declared lower)
        ("RNP", "not_published", None),  # register: Not Published
        ("RZZ", "standards_met", "2026-05-01"),  # not in the register
    ]:
        org = organisation_create(name=f"Trust {code}", ods_code=code, actor=None)
        user = make_member(org, f"lead@{code.lower()}.example")
        made[code] = application_with_dspt(
            org, user, status=status, published=published, role="controller"
        )
    return made


REGISTER = [
    ("RNI", "Northern Imaging Trust", "Standards Met", "2026-05-01"),
    ("RDF", "Trust RDF", "Standards Met", "2026-05-01"),
    ("RHI", "Trust RHI", "Approaching Standards", "2026-05-01"),
    ("RLO", "Trust RLO", "Standards Met", "2026-05-01"),
    ("RNP", "Trust RNP", "Not Published", ""),
]
EXPECTED = {
    "RNI": (RegisterOutcome.VERIFIED, False),
    "RDF": (RegisterOutcome.DIFFERS, False),
    "RHI": (RegisterOutcome.DIFFERS, True),
    "RLO": (RegisterOutcome.DIFFERS, False),
    "RNP": (RegisterOutcome.VERIFIED, False),
    "RZZ": (RegisterOutcome.NOT_IN_REGISTER, False),
}


@pytest.mark.django_db
def test_with_no_snapshot_every_application_is_unchecked(world, reviewer):
    for application in world.values():
        result = check(application)
        assert result.outcome == RegisterOutcome.NO_SNAPSHOT
        assert not result.declared_higher
    assert set(queue_outcomes(reviewer).values()) == {(RegisterOutcome.NO_SNAPSHOT, False)}


@pytest.mark.django_db
def test_each_outcome_in_the_pages_and_in_the_queue(world, reviewer, tmp_path):
    snapshot_of(tmp_path, REGISTER, taken_on=date(2026, 11, 1))
    pages = {code: (check(a).outcome, check(a).declared_higher) for code, a in world.items()}
    assert pages == EXPECTED
    assert queue_outcomes(reviewer) == EXPECTED


@pytest.mark.django_db
def test_only_the_latest_snapshot_counts(world, reviewer, tmp_path):
    snapshot_of(tmp_path, REGISTER, taken_on=date(2026, 11, 1), name="november.csv")
    snapshot_of(
        tmp_path,
        [("RZZ", "Trust RZZ", "Standards Met", "2026-05-01")],
        taken_on=date(2026, 10, 1),
        name="october.csv",
    )
    # October's is older: November's still decides, and RZZ is not in it.
    assert check(world["RZZ"]).outcome == RegisterOutcome.NOT_IN_REGISTER
    snapshot_of(
        tmp_path,
        [("RZZ", "Trust RZZ", "Standards Met", "2026-05-01"), ("RXX", "X", "Standards Met", "")],
        taken_on=date(2026, 11, 20),
        name="later.csv",
    )
    assert check(world["RZZ"]).outcome == RegisterOutcome.VERIFIED
    assert check(world["RNI"]).outcome == RegisterOutcome.NOT_IN_REGISTER
    assert queue_outcomes(reviewer)["RZZ"] == (RegisterOutcome.VERIFIED, False)
    assert queue_outcomes(reviewer)["RNI"] == (RegisterOutcome.NOT_IN_REGISTER, False)


@pytest.mark.django_db
def test_the_reviewer_filters_the_queue_on_the_outcome_and_on_the_flag(world, reviewer, tmp_path):
    snapshot_of(tmp_path, REGISTER, taken_on=date(2026, 11, 1))
    client = signed_in(reviewer)
    wanted = {
        "verified": {"RNI", "RNP"},
        "differs": {"RDF", "RHI", "RLO"},
        "not_in_register": {"RZZ"},
        "no_snapshot": set(),
    }
    for outcome, codes in wanted.items():
        page = client.get(f"/review?dspt={outcome}").content.decode()
        shown = {code for code in EXPECTED if f"(ODS code {code})" in page or f"({code})" in page}
        assert shown == codes, outcome
    # The flag filter takes a declared status above the register's as a flag.
    page = client.get("/review?flagged=yes").content.decode()
    assert "(RHI)" in page and "DSPT above register" in page
    assert not any(f"({code})" in page for code in EXPECTED if code != "RHI")
    # An unknown value is no filter.
    page = client.get("/review?dspt=everything").content.decode()
    assert all(f"({code})" in page for code in EXPECTED)


@pytest.mark.django_db
def test_the_reviewer_sees_both_values_and_the_flag(world, reviewer, tmp_path, fixed_today):
    snapshot_of(tmp_path, REGISTER, taken_on=date(2026, 11, 1))
    client = signed_in(reviewer)
    page = client.get(f"/review/applications/{world['RHI'].pk}/evidence")
    assert texts(page, "nhsuk-card--warning") == [
        "Important: Declared DSPT status is higher than the register's\n"
        "Declared in the application: Standards Exceeded, published 1 May 2026.\n"
        "Published in the DSPT register: Approaching Standards, published 1 May 2026."
    ]
    assert "As published on 1 November 2026" in words(page)

    page = words(client.get(f"/review/applications/{world['RNI'].pk}/evidence"))
    assert "Verified" in page and "higher than the register" not in page


@pytest.mark.django_db
def test_the_applicant_sees_both_values_when_the_register_differs(world, tmp_path, fixed_today):
    snapshot_of(tmp_path, REGISTER, taken_on=date(2026, 11, 1))
    application = world["RDF"]
    client = signed_in(application.created_by)
    for url in (f"/applications/{application.pk}", f"/applications/{application.pk}/dspt"):
        page = words(client.get(url))
        assert "Register differs" in page, url
        assert "Standards Met, published 1 April 2026" in page, url
        assert "Standards Met, published 1 May 2026" in page, url
        assert "NHS England sees both" in page, url


@pytest.mark.django_db
def test_the_applicant_is_told_when_there_is_no_snapshot(world, fixed_today):
    application = world["RNI"]
    page = words(signed_in(application.created_by).get(f"/applications/{application.pk}"))
    assert "NHS England has not imported the DSPT register yet" in page
    assert "DSPT register check Not checked yet" in page
    assert "snapshot" not in page.lower()


@pytest.mark.django_db
def test_the_queue_annotation_is_computed_in_the_queues_own_query(world, reviewer, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    snapshot_of(tmp_path, REGISTER, taken_on=date(2026, 11, 1))
    with CaptureQueriesContext(connection) as captured:
        rows = list(queue_queryset(user=reviewer, filters=QueueFilters(dspt="differs")))
    assert len(captured.captured_queries) == 1
    assert len(rows) == 3
    assert Application.objects.count() == 6
