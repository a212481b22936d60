"""The DSPT register check in Chromium: the applicant sees what the register says beside what
they declared; the reviewer filters the queue on it and sees the flag with both values; axe on
each page, with and without JavaScript."""

from datetime import date

import pytest

pytestmark = pytest.mark.system


@pytest.fixture
def declared_above_register(people, fixed_today, tmp_path):
    from tests.dspt_register.register_files import snapshot_of
    from tests.workflow.dspt_support import application_with_dspt

    member = people["supplier"]
    application = application_with_dspt(
        member.membership.organisation,
        member,
        status="standards_exceeded",
        published="2026-05-01",
    )
    snapshot_of(
        tmp_path,
        [("8AB12", "Southern Scans Ltd", "Approaching Standards", "2026-05-01")],
        taken_on=date(2026, 11, 1),
    )
    return application


def test_the_applicant_sees_the_register_beside_their_declaration(me, declared_above_register):
    me.given_i_have_signed_in_as("pm@southern.example")
    me.visit(f"/applications/{declared_above_register.pk}")
    me.then_i_see("Checked against the DSPT register")
    me.then_i_see("Register differs")
    me.then_i_see("Standards Exceeded, published 1 May 2026")
    me.then_i_see("Approaching Standards, published 1 May 2026")
    me.then_i_see("As published on 1 November 2026")

    me.follow_link("Update your DSPT status")
    me.then_i_see_heading("Update your DSPT status")
    me.then_i_see("Register differs")
    me.then_i_see("NHS England sees both")


def test_the_reviewer_filters_on_the_register_and_sees_the_flag(me, declared_above_register):
    reference = declared_above_register.reference
    me.given_i_have_signed_in_as("reviewer@england.example", lands_on="Applications to review")
    me.then_i_see("DSPT above register")

    me.select("DSPT register check", "Verified")
    me.press_button("Apply filters")
    me.then_i_see("No applications match these filters.")

    me.select("DSPT register check", "Register differs")
    me.press_button("Apply filters")
    me.then_i_see(reference)

    me.follow_link(reference)
    me.then_i_see_heading(f"Application {reference}")
    # The DSPT and its register check are read with the evidence (the sections, ADR 0032).
    me.follow_link("Evidence and documents")
    me.then_i_see("Declared DSPT status is higher than the register's")
    me.then_i_see("Declared in the application: Standards Exceeded, published 1 May 2026.")
    me.then_i_see("Published in the DSPT register: Approaching Standards, published 1 May 2026.")
