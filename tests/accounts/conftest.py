import pytest

from accounts.models import Membership
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
