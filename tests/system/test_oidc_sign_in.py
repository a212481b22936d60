"""Signing in through NHS CIS2 in Chromium (ADR 0042), against the stand-in provider
(tests/oidc_provider.py) that takes the place of CIS2, which the tests cannot reach: the browser
goes to it and back, and every page of the service it sees is checked with axe."""

import pytest
from joserfc.jwk import RSAKey

from tests.oidc_provider import NextSignIn, StandInProvider

pytestmark = pytest.mark.system

CIS2_AAL3 = {"acr": "AAL3_ANY", "authentication_assurance_level": "3", "amr": ["SCAL"]}


@pytest.fixture
def cis2_stand_in(settings):
    key = RSAKey.generate_key(2048, parameters={"kid": "nir-service-1"})
    provider = StandInProvider(
        client_id="nir-cis2", client_key=RSAKey.import_key(key.as_dict(private=False))
    ).start()
    settings.OIDC_CIS2_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_CIS2_CLIENT_ID = "nir-cis2"
    settings.OIDC_CIS2_PRIVATE_KEY = key.as_pem(private=True).decode()
    settings.OIDC_CIS2_KEY_ID = "nir-service-1"
    yield provider
    provider.stop()


@pytest.mark.parametrize("javascript", [True], ids=["javascript"])
def test_an_invited_member_signs_in_and_out_through_cis2(me, cis2_stand_in):
    # given CIS2 will sign in the trust's invited member with a smartcard
    cis2_stand_in.next = NextSignIn(email="ig.lead@northern.example", claims=CIS2_AAL3)
    me.visit("/sign-in")

    # when I choose CIS2, then I am signed in without an authenticator app code
    me.press_button("Sign in with NHS Care Identity Service 2")
    me.then_i_see_heading("Your applications")

    # when I sign out, then CIS2's session ends too and I land on the signed-out page
    me.press_button("Sign out")
    me.then_i_see_heading("You have signed out")
    assert [query["client_id"] for query in cis2_stand_in.logouts] == ["nir-cis2"]


@pytest.mark.parametrize("javascript", [True], ids=["javascript"])
def test_someone_not_invited_or_who_cancels_is_told_what_to_do(me, cis2_stand_in):
    cis2_stand_in.next = NextSignIn(email="stranger@trust.example", claims=CIS2_AAL3)
    me.visit("/sign-in")
    me.press_button("Sign in with NHS Care Identity Service 2")
    me.then_i_see_heading("You need an invitation to use this service")

    me.follow_link("Go to the sign-in page")
    cis2_stand_in.next = NextSignIn(error="access_denied")
    me.press_button("Sign in with NHS Care Identity Service 2")
    me.then_i_see_heading("You have not signed in")
