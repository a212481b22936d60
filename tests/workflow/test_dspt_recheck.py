"""The daily DSPT re-check: holds on lapse, warnings 60 and 14 days before, once each; safe to
run again, twice at once, and after a crash part-way."""

import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from notifications.models import Notification
from tests.workflow.dspt_support import application_with_dspt
from workflow.continuous import dspt_recheck as recheck_module
from workflow.continuous.dspt_recheck import dspt_recheck
from workflow.models import Hold, HoldOrigin, WarningSent

# Published 15 June 2025: the first deadline on or after it is 30 June 2025, so (30 June being
# the deadline) it lapses on 30 June 2026.
PUBLISHED = "2025-06-15"


def sent(template):
    return list(Notification.objects.filter(template=template).values_list("recipient", flat=True))


def open_rechecks(application=None):
    holds = Hold.objects.filter(origin=HoldOrigin.DSPT_RECHECK, lifted_at__isnull=True)
    return holds.filter(application=application) if application else holds


@pytest.mark.django_db
def test_the_day_before_the_deadline_warns_and_the_deadline_itself_raises_the_hold(
    organisation, member, colleague, reviewer
):
    application = application_with_dspt(organisation, member, reviewer=reviewer)

    summary = dspt_recheck(date(2026, 6, 29))
    assert (summary.checked, summary.holds_raised, summary.warnings_sent) == (1, 0, 1)
    assert not open_rechecks().exists()
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED

    summary = dspt_recheck(date(2026, 6, 30))
    assert (summary.checked, summary.holds_raised, summary.warnings_sent) == (1, 1, 0)
    hold = open_rechecks().get()
    assert hold.reason == (
        "Your organisation's DSPT publication of 15 June 2025 lapsed on 30 June 2026. "
        "The DSPT must be published every year by 30 June."
    )
    assert hold.raised_by is None
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.PAUSED
    # The members hear of it as a hold, the assigned reviewer by the re-check's own email.
    assert sorted(sent("hold_raised")) == sorted([member.email, colleague.email])
    assert sent("dspt_lapsed") == [reviewer.email]
    entry = AuditEntry.objects.get(action="hold.raise")
    assert entry.actor is None and entry.after["origin"] == "dspt_recheck"

    # Again the next day: still lapsed, but the hold is open already.
    summary = dspt_recheck(date(2026, 7, 1))
    assert (summary.holds_raised, summary.warnings_sent) == (0, 0)
    assert open_rechecks().count() == 1
    assert len(sent("hold_raised")) == 2


@pytest.mark.django_db
def test_a_publication_after_the_deadline_is_good_until_the_next_years_deadline(
    organisation, member
):
    # Published 1 July 2025, after that year's deadline: it lapses on 30 June 2027.
    application_with_dspt(organisation, member, published="2025-07-01")
    for day in (date(2026, 6, 30), date(2026, 7, 1), date(2027, 6, 29)):
        assert dspt_recheck(day).holds_raised == 0
    assert dspt_recheck(date(2027, 6, 30)).holds_raised == 1


@pytest.mark.django_db
def test_a_29_february_publication_lapses_on_the_deadline_of_the_following_year(
    organisation, member
):
    application_with_dspt(organisation, member, published="2024-02-29")
    assert dspt_recheck(date(2025, 6, 29)).holds_raised == 0
    assert dspt_recheck(date(2025, 6, 30)).holds_raised == 1


@pytest.mark.django_db
@override_settings(DSPT_PUBLICATION_DEADLINE="02-29")
def test_a_29_february_deadline_falls_on_28_february_in_a_common_year(organisation, member):
    application_with_dspt(organisation, member, published="2024-02-29")
    assert dspt_recheck(date(2025, 2, 27)).holds_raised == 0
    assert dspt_recheck(date(2025, 2, 28)).holds_raised == 1
    assert "lapsed on 28 February 2025" in open_rechecks().get().reason
    assert "every year by 29 February" in open_rechecks().get().reason


@pytest.mark.django_db
@override_settings(DSPT_PUBLICATION_DEADLINE="03-31")
def test_a_configured_deadline_other_than_30_june(organisation, member):
    # With 31 March, the 15 June 2025 publication lapses on 31 March 2027, not 30 June 2026.
    application_with_dspt(organisation, member)
    assert dspt_recheck(date(2026, 6, 30)).holds_raised == 0
    assert dspt_recheck(date(2027, 3, 30)).holds_raised == 0
    assert dspt_recheck(date(2027, 3, 31)).holds_raised == 1
    assert "every year by 31 March" in open_rechecks().get().reason


@pytest.mark.django_db
def test_warnings_go_60_and_14_days_before_once_each_however_often_it_runs(
    organisation, member, colleague
):
    application = application_with_dspt(organisation, member)
    days = [
        (date(2026, 4, 30), 0),  # 61 days left
        (date(2026, 5, 1), 60),
        (date(2026, 5, 1), 0),
        (date(2026, 5, 2), 0),
        (date(2026, 6, 15), 0),  # 15 days left
        (date(2026, 6, 16), 14),
        (date(2026, 6, 16), 0),
        (date(2026, 6, 29), 0),
    ]
    for day, threshold in days:
        summary = dspt_recheck(day)
        assert summary.warnings_sent == (1 if threshold else 0), day
    assert sorted(WarningSent.objects.values_list("threshold", flat=True)) == [14, 60]
    warnings = Notification.objects.filter(template="dspt_expiring").order_by("pk")
    assert [n.personalisation["days_left"] for n in warnings] == ["60", "60", "14", "14"]
    assert {n.recipient for n in warnings} == {member.email, colleague.email}
    first = warnings[0].personalisation
    assert (first["published"], first["lapses_on"]) == ("15 June 2025", "30 June 2026")
    assert first["url"].endswith(f"/applications/{application.pk}/dspt")
    assert AuditEntry.objects.filter(action="dspt.warning").count() == 2


@pytest.mark.django_db
def test_a_run_that_missed_the_60_day_warning_sends_only_the_14_day_one(organisation, member):
    application_with_dspt(organisation, member)
    assert dspt_recheck(date(2026, 6, 20)).warnings_sent == 1
    assert dspt_recheck(date(2026, 6, 21)).warnings_sent == 0
    assert list(WarningSent.objects.values_list("threshold", flat=True)) == [14]


@pytest.mark.django_db
def test_a_new_publication_gets_its_own_warnings(organisation, member):
    application = application_with_dspt(organisation, member)
    assert dspt_recheck(date(2026, 5, 1)).warnings_sent == 1
    answer = application.stage2_response.answers.get(question_id="s_dspt_published")
    answer.value = {"value": "2025-06-20"}  # the same deadline year, another publication
    answer.save()
    assert dspt_recheck(date(2026, 5, 1)).warnings_sent == 1


@pytest.mark.django_db
def test_drafts_withdrawn_and_current_applications_are_left_alone(organisation, member):
    draft = application_with_dspt(organisation, member, state="draft")
    draft.stage2_submitted_at = None
    draft.save()
    application_with_dspt(organisation, member, state="withdrawn")
    fine = application_with_dspt(organisation, member, published="2026-06-01", role="controller")
    not_published = application_with_dspt(
        organisation, member, published=None, status="not_published"
    )

    summary = dspt_recheck(date(2026, 7, 1))
    # The controller's current publication and the unpublished DSPT (a rule's hold, not this
    # job's) are checked; the draft and the withdrawn application are not.
    assert (summary.checked, summary.holds_raised, summary.warnings_sent) == (2, 0, 0)
    assert not Hold.objects.exists()
    assert {fine.pk, not_published.pk} <= set(Application.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_every_state_past_draft_is_rechecked(organisation, member):
    states = ["submitted", "in_review", "changes_requested", "paused", "approved"]
    for state in states:
        application_with_dspt(organisation, member, state=state)
    summary = dspt_recheck(date(2026, 7, 1))
    assert (summary.checked, summary.holds_raised) == (5, 5)
    assert set(Application.objects.values_list("stage2_state", flat=True)) == {"paused"}


@pytest.mark.django_db
def test_the_queries_of_a_run_with_nothing_to_do_do_not_grow_with_applications(
    organisation, member
):
    def queries(day):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            dspt_recheck(day, batch_size=50)
        return len(captured)

    for _ in range(3):
        application_with_dspt(organisation, member, published="2026-06-01")
    few = queries(date(2026, 7, 1))
    for _ in range(40):
        application_with_dspt(organisation, member, published="2026-06-01")
    assert queries(date(2026, 7, 1)) == few


@pytest.mark.django_db
def test_a_crash_part_way_leaves_the_done_ones_done_and_a_rerun_finishes(
    organisation, member, monkeypatch
):
    """An exception injected after two applications: each application is its own transaction."""
    applications = [application_with_dspt(organisation, member) for _ in range(5)]
    real = recheck_module.recheck_application
    calls = []

    def crash_after_two(*args, **kwargs):
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(recheck_module, "recheck_application", crash_after_two)
    with pytest.raises(RuntimeError):
        dspt_recheck(date(2026, 7, 1), batch_size=2)
    assert open_rechecks().count() == 2

    monkeypatch.setattr(recheck_module, "recheck_application", real)
    summary = dspt_recheck(date(2026, 7, 1), batch_size=2)
    assert (summary.checked, summary.holds_raised) == (5, 3)
    for application in applications:
        assert open_rechecks(application).count() == 1
    assert dspt_recheck(date(2026, 7, 1)).holds_raised == 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_act_on_each_application_once(organisation, member, colleague):
    """Two workers in threads, each on its own database connection (PostgreSQL: row locks with
    skip_locked; SQLite: writers queue)."""
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "each thread needs its own connection"
    lapsing = [application_with_dspt(organisation, member) for _ in range(6)]
    warned = [application_with_dspt(organisation, member, published="2025-07-01") for _ in range(6)]
    start = threading.Barrier(2)
    summaries, errors = [], []

    def worker(day):
        try:
            start.wait(timeout=30)
            summaries.append(dspt_recheck(day, batch_size=4))
        except Exception as error:  # reported below, with the thread's own error
            errors.append(error)
        finally:
            connection.close()

    # On 1 July 2026 the first six have lapsed; the others (lapsing 30 June 2027) are not warned
    # yet. On 1 May 2027 they are 60 days from lapsing: run that day too, at once.
    for day in (date(2026, 7, 1), date(2027, 5, 1)):
        threads = [threading.Thread(target=worker, args=(day,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []

    assert sum(s.holds_raised for s in summaries[:2]) == 6
    assert sum(s.warnings_sent for s in summaries[2:]) == 6
    for application in lapsing:
        assert open_rechecks(application).count() == 1
        assert application.notifications.filter(template="hold_raised").count() == 2
    for application in warned:
        assert WarningSent.objects.filter(application=application).count() == 1
        assert application.notifications.filter(template="dspt_expiring").count() == 2


@pytest.mark.django_db
def test_the_command_runs_it_for_a_given_day_and_prints_a_summary(organisation, member, capsys):
    application_with_dspt(organisation, member)
    call_command("dspt_recheck", "--date", "2026-07-01")
    assert capsys.readouterr().out.strip() == (
        "DSPT re-check for 2026-07-01: Checked 1, holds raised 1, holds lifted 0, warnings sent 0, "
        "skipped 0."
    )
    entry = AuditEntry.objects.get(action="dspt.recheck")
    assert entry.after == {
        "date": "2026-07-01",
        "checked": 1,
        "holds_raised": 1,
        "holds_lifted": 0,
        "warnings_sent": 0,
        "skipped": 0,
    }


@pytest.mark.django_db
def test_the_command_refuses_a_date_that_is_not_one(organisation):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must be a date as YYYY-MM-DD"):
        call_command("dspt_recheck", "--date", "1 July")


@pytest.mark.django_db
def test_the_task_runs_the_recheck_for_the_day_it_is_given(organisation, member):
    from workflow.continuous.dspt_recheck import dspt_recheck_task

    application_with_dspt(organisation, member)
    result = dspt_recheck_task.enqueue("2026-07-01")
    assert result.return_value == {
        "checked": 1,
        "holds_raised": 1,
        "holds_lifted": 0,
        "warnings_sent": 0,
        "skipped": 0,
    }
