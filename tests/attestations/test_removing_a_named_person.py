"""Removing the last key person in a role takes the answer naming that role away (ADR 0038) as
any change of answer does (workflow.services.answer_remove): its attestations voided and the
rules judged again, in the same transaction, so holds follow the answers as they are now."""

from datetime import date

from applications.models import Application
from applications.states import Stage2State
from attestations.models import KeyPerson
from questionnaire import definitions
from questionnaire.models import Answer
from tests.answer_sets import SUPPLIER
from tests.attestations.support import CSO, people_url
from workflow.models import Hold, HoldOrigin

ADA = {key: value for key, value in CSO.items() if key != "role"}
# SUPPLIER's DSPT publication, 15 September 2026, lapses on 30 June 2028.
AFTER_LAPSE = date(2028, 7, 1)


def test_removing_the_last_cso_judges_the_rules_again(applicant, monkeypatch):
    applicant.answer_all(SUPPLIER[:6])  # through question 6, the supplier's CSO
    assert (
        applicant.client.post(applicant.question_url("s_cso"), {"action": "add", **ADA}).status_code
        == 302
    )
    ada = KeyPerson.objects.get()
    application = Application.objects.get()
    assert not Hold.objects.filter(application=application).exists()

    # The DSPT publication lapses; the next change of answers pauses Stage 2, this one too.
    monkeypatch.setattr(definitions, "today", lambda: AFTER_LAPSE)
    removed = applicant.client.post(people_url(applicant, f"/{ada.pk}/remove"))
    assert removed.status_code == 302
    assert not Answer.objects.filter(question_id="s_cso").exists()
    assert set(
        Hold.objects.filter(application=application, lifted_at__isnull=True).values_list(
            "origin", "rule_id"
        )
    ) == {(HoldOrigin.RULE, "s_dspt_publication_lapsed")}
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.PAUSED
