import pytest

from accounts.models import Membership, UserKind
from accounts.services import user_create
from tests.conftest import PASSWORD
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


@pytest.fixture
def administrator(db):
    """An NHS England administrator, for the administration pages' tests."""
    return user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        full_name="Alan Admin",
        actor=None,
    )


@pytest.fixture
def client_admin(administrator):
    return signed_in(administrator)
