"""Two-factor sign-in in Chromium (ADR 0010): an applicant asked at sign-in sets up an
authenticator app (a wrong code first, then the right one), keeps the recovery codes shown once,
signs in again with a code from the app, and later with a recovery code, which then works no
more. axe checks every page the journey reaches."""

import re

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.system.browser_user import CODE_LABEL
from tests.two_factor_support import fresh_code
from two_factor import totp
from two_factor.models import Authenticator

pytestmark = pytest.mark.system

EMAIL = "ig.lead@northern.example"


def sign_in_with_password(me):
    me.visit("/sign-in")
    me.fill("Email address", EMAIL)
    me.fill("Password", PASSWORD)
    me.press_button("Sign in")


def sign_out(me):
    me.page.locator("header").get_by_role("button", name="Sign out").click()
    me.then_i_see_heading("You have signed out")
    me.follow_link("Sign in again")
    me.then_i_see_heading("Sign in")


def test_an_applicant_sets_up_an_authenticator_and_signs_in_with_it_and_a_recovery_code(me):
    # Asked at sign-in, the applicant sets it up now instead of later.
    sign_in_with_password(me)
    me.then_i_see_heading("Set up two-factor authentication")
    qr = me.page.locator(".app-qr-code-wrapper svg, .app-qr-code-wrapper img")
    assert qr.count() == 1
    secret = me.page.get_by_test_id("secret-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]+=*", secret), secret

    me.press_button("Continue")
    me.then_i_see_the_error("Enter the 6-digit code from your authenticator app")
    me.fill(CODE_LABEL, "12345")
    me.press_button("Continue")
    me.then_i_see_the_error("The code must be 6 numbers")
    right = totp.code_at(secret, totp.current_step(timezone.now()))
    me.fill(CODE_LABEL, "000000" if right != "000000" else "111111")
    me.press_button("Continue")
    me.then_i_see_the_error("Enter the correct code from your authenticator app")
    me.fill(CODE_LABEL, right)
    me.press_button("Continue")

    # The recovery codes are shown once.
    me.then_i_see_heading("Save your recovery codes")
    me.then_i_see("You will not see these codes again")
    codes = me.page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) >= 8 and len(set(codes)) == len(codes), codes
    me.press_button("Continue")
    me.then_i_see_heading("Your applications")
    assert Authenticator.objects.get(user__email=EMAIL).is_confirmed
    sign_out(me)

    # Next time, the password is followed by a code from the app.
    sign_in_with_password(me)
    me.then_i_see_heading(CODE_LABEL)
    me.fill(CODE_LABEL, fresh_code(secret))
    me.press_button("Continue")
    me.then_i_see_heading("Your applications")
    sign_out(me)

    # Without the phone, a recovery code works once.
    sign_in_with_password(me)
    me.follow_link("Use a recovery code instead")
    me.then_i_see_heading("Enter a recovery code")
    me.fill("Enter a recovery code", codes[0])
    me.press_button("Continue")
    me.then_i_see_heading("Your applications")
    sign_out(me)

    sign_in_with_password(me)
    me.follow_link("Use a recovery code instead")
    me.fill("Enter a recovery code", codes[0])
    me.press_button("Continue")
    me.then_i_see_the_error(
        "Enter a correct recovery code. Each recovery code can only be used once"
    )
