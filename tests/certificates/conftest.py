import pytest

from tests.evidence.conftest import (  # noqa: F401 - the evidence pipeline's fixtures
    clamd_address,
    dead_scanner,
    evidence_settings,
    scanner,
)
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)


@pytest.fixture
def supplier_application(organisation, member):
    """The member's organisation is a supplier: it has an application in the supplier role."""
    from applications.models import Application

    return Application.objects.create(
        organisation=organisation, scope="both", role="supplier", created_by=member
    )


@pytest.fixture
def supplier(supplier_application, client_member):
    return client_member
