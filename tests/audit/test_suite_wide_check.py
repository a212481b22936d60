"""The unaudited-write check is on for every test of the suite unless it is marked otherwise."""

import pytest
from django.test.client import Client


def test_the_test_client_is_watched_in_every_test():
    assert Client.request.__qualname__ == "audit_every_request.<locals>.request"


@pytest.mark.writes_unaudited
def test_a_test_marked_writes_unaudited_is_not_watched():
    assert Client.request.__qualname__ == "Client.request"
