import pytest
from joserfc.jwk import RSAKey

from accounts.models import Membership
from tests.oidc_provider import NextSignIn, StandInProvider
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)
from tests.web.conftest import signed_in


@pytest.fixture
def lead(member):
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    member.refresh_from_db()
    return member


@pytest.fixture
def client_lead(lead):
    return signed_in(lead)


# The stand-ins for NHS CIS2 and Microsoft Entra ID (tests/oidc_provider.py), for the
# test_oidc_*.py modules: one of each per module, set up as the service's settings name them.


@pytest.fixture(scope="module")
def service_key():
    """The service's private_key_jwt key, whose public half is registered with CIS2."""
    return RSAKey.generate_key(2048, parameters={"kid": "nir-service-1"})


@pytest.fixture(scope="module")
def cis2_stand_in(service_key):
    public = RSAKey.import_key(service_key.as_dict(private=False))
    provider = StandInProvider(client_id="nir-cis2", client_key=public).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def entra_stand_in():
    provider = StandInProvider(
        client_id="nir-entra", client_secret="entra-client-secret", client_key=None
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def providers(db, settings, cis2_stand_in, entra_stand_in, service_key):
    settings.OIDC_CIS2_DISCOVERY_URL = cis2_stand_in.discovery_url
    settings.OIDC_CIS2_CLIENT_ID = "nir-cis2"
    settings.OIDC_CIS2_PRIVATE_KEY = service_key.as_pem(private=True).decode()
    settings.OIDC_CIS2_KEY_ID = "nir-service-1"
    settings.OIDC_ENTRA_DISCOVERY_URL = entra_stand_in.discovery_url
    settings.OIDC_ENTRA_CLIENT_ID = "nir-entra"
    settings.OIDC_ENTRA_CLIENT_SECRET = "entra-client-secret"
    cis2_stand_in.next = NextSignIn()
    entra_stand_in.next = NextSignIn()
    return {"cis2": cis2_stand_in, "entra": entra_stand_in}
