"""Tokens for tests that use the API rather than test how a token is made: made through the
service as the account page makes them, with the current factor just given (issue 22)."""

from django.utils import timezone

from api.services import NewToken, token_create
from two_factor.current_factor import Factor, GivenFactor
from two_factor.selectors import has_two_factor


def token_made(*, user, name: str, days: int) -> NewToken:
    factor = Factor.AUTHENTICATOR if has_two_factor(user) else Factor.PASSWORD
    given = GivenFactor(at=timezone.now(), factor=factor)
    return token_create(user=user, name=name, days=days, current_factor=given)


def ready_to_create(client):
    """A signed-in client (of someone with no authenticator app) that has given its password on
    the token page's confirm step, as the page asks before showing its form."""
    from tests.conftest import PASSWORD

    response = client.post("/account/api-tokens/confirm", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/api-tokens"
    return client
