"""Invitations in Chromium (ADR 0011): the onboarding lead invites a colleague, putting right
what they typed; the colleague follows the emailed link, creates an account and lands in the
organisation; the link then no longer works. axe checks every page each of them reaches."""

import re

import pytest
from django.core import mail

from accounts.models import Membership, User
from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context

pytestmark = pytest.mark.system

COLLEAGUE = "grace.hopper@northern.example"


def test_a_lead_invites_a_colleague_who_joins_through_the_link(
    me, people, browser, axe_source, live_server, javascript, request
):
    Membership.objects.filter(user=people["trust"]).update(is_onboarding_lead=True)

    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.follow_link("Members of Northern Imaging Trust")
    me.then_i_see_heading("Members")
    me.then_i_see("There are no invitations waiting.")
    me.press_button("Invite a colleague")
    me.press_button("Send invitation")
    me.then_i_see_the_error("Enter an email address")
    me.fill("Email address", "grace.hopper")
    me.press_button("Send invitation")
    me.then_i_see_the_error("Enter an email address in the correct format, like name@example.com")
    me.fill("Email address", COLLEAGUE)
    me.press_button("Send invitation")
    me.then_i_see_success(f"We have emailed an invitation to {COLLEAGUE}")
    me.then_i_see(COLLEAGUE)

    [email] = [m for m in mail.outbox if m.to == [COLLEAGUE]]
    path = re.search(r"/invitation/\S+", email.body).group(0)
    context = new_context(browser, javascript=javascript)
    colleague = BrowserUser(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / f"{re.sub(r'[^a-zA-Z0-9_-]+', '-', request.node.name)}-colleague",
        axe_source=axe_source,
        javascript=javascript,
    )
    try:
        colleague.visit(path)
        colleague.then_i_see_heading("Create your account")
        colleague.then_i_see("You have been invited to join Northern Imaging Trust")
        colleague.press_button("Create account")
        colleague.then_i_see_the_error("Enter your full name")
        colleague.fill("Full name", "Grace Hopper")
        colleague.fill("Create a password", "Correct-Horse-Battery-9")
        colleague.fill("Confirm your password", "Correct-Horse-Battery-9")
        colleague.press_button("Create account")
        colleague.then_i_see_heading("Set up two-factor authentication")
        colleague.follow_link("Do this later")
        colleague.then_i_see_heading("Your applications")
        colleague.then_i_see("Northern Imaging Trust")
        # The link works once.
        colleague.visit(path)
        colleague.then_i_see_heading("This link has expired or has already been used")
    finally:
        context.close()
    joined = User.objects.get(email=COLLEAGUE)
    assert joined.membership.organisation.name == "Northern Imaging Trust"
