"""The error page shown while the database cannot be reached (ADR 0047) keeps the person's
session: it is rendered as for someone not signed in, but the response neither deletes their
session cookie nor saves the session, so they are still signed in once the database is back."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError

from tests.web.conftest import signed_in


@pytest.mark.urls("tests.operations.boom_urls")
def test_a_500_while_the_database_is_down_keeps_the_session_cookie(member, monkeypatch):
    client = signed_in(member)
    client.raise_request_exception = False
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    with monkeypatch.context() as down:

        def unreachable(self):
            raise OperationalError("connection refused")

        down.setattr(SessionStore, "load", unreachable)
        response = client.get("/boom")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # neither deleted nor replaced
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == cookie
    # The database back, they are still signed in.
    assert client.get("/account").status_code == 200
