"""The error page when the database cannot be reached (issue 27, ADR 0047): the layout reads the
session for its timeout warning, so the page is rendered again without it, never left to the
server's bare "Internal Server Error"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.test import RequestFactory

from core.views import server_error
from tests.visible import words


class UnreachableSession(dict):
    """A session whose every read needs the database, which is down."""

    session_key = "x" * 32

    def __getattr__(self, name):
        raise OperationalError("connection refused")

    def get(self, *args, **kwargs):
        raise OperationalError("connection refused")

    def __getitem__(self, key):
        raise OperationalError("connection refused")

    def __contains__(self, key):
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_the_error_page_is_the_services_own_when_the_session_cannot_be_read():
    request = RequestFactory().get("/applications/")
    request.session = UnreachableSession()
    request.user = AnonymousUser()
    request.request_id = "abcdef0123456789"

    response = server_error(request)

    assert response.status_code == 500
    shown = words(response)
    assert "Sorry, there is a problem with the service" in shown
    assert "quote this reference: abcdef0123456789" in shown
