"""Schemathesis against the served OpenAPI description (ADR 0024): every operation, with a
reviewer's token and with an applicant's, a few generated requests each, on a live server. No
answer may be a 5xx, and every answer must match the description."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api_tokens import token_made

# A few examples per operation keeps CI time low (README, JSON API).
EXAMPLES = 5

pytestmark = pytest.mark.integration


@pytest.fixture(params=["member", "reviewer"])
def headers(request):
    user = request.getfixturevalue(request.param)
    secret = token_made(user=user, name="schemathesis", days=7).secret
    return {"Authorization": f"Bearer {secret}"}


def test_every_operation_answers_within_its_description(live_server, headers, settings):
    settings.API_REQUESTS_PER_MINUTE = 10_000
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9  # every operation of the description

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )

        check()
