"""Signing out while Redis cannot be reached (issue 27; ADR 0027, amended): the session ends in
the database, and a copy of it left in Redis never signs anyone in again, whether this process
or another reads it, and is deleted from Redis once Redis answers."""

from __future__ import annotations

import shutil

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from accounts import session_store
from accounts.models import SessionEviction
from tests.conftest import PASSWORD, missing_prerequisite


@pytest.fixture(autouse=True)
def fresh_evictions():
    session_store.evictions.forget()
    yield
    session_store.evictions.forget()


def sessions_through(settings, location: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
        },
    }
    settings.SESSION_ENGINE = "accounts.session_store"
    settings.SESSION_CACHE_ALIAS = "sessions"


@pytest.fixture
def real_redis(settings, tmp_path):
    """A Redis of the test's own (Debian's redis-server), so that a copy really stays in it."""
    from tests.faults.harness import PrivateRedis

    if not shutil.which("redis-server"):
        missing_prerequisite("redis-server is not installed (apt-get install redis-server)")
    redis = PrivateRedis(folder=tmp_path).start()
    sessions_through(settings, redis.url)
    yield redis
    caches["sessions"].close()
    redis.stop()


def sign_in(member) -> Client:
    client = Client()
    assert client.post("/sign-in", {"email": member.email, "password": PASSWORD}).status_code == 302
    assert client.get("/account").status_code == 200
    return client


def test_signing_out_with_redis_unreachable_ends_the_session(settings, member):
    # A real socket on a port nothing listens on, as when production's Redis is down.
    sessions_through(settings, "redis://127.0.0.1:1/0")
    client = sign_in(member)
    key = client.cookies["sessionid"].value

    signed_out = client.post("/sign-out")
    assert signed_out.status_code == 302
    assert signed_out["Location"] == "/signed-out"
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionEviction.objects.filter(session_key=key).exists()
    assert client.get("/account").status_code == 302  # to sign-in

    # the session's cookie, kept by someone else, signs no one in either
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get("/account").status_code == 302


@pytest.mark.parametrize("reader", ["this process", "another process"])
def test_a_copy_left_in_redis_never_signs_anyone_in_again(real_redis, member, monkeypatch, reader):
    client = sign_in(member)
    key = client.cookies["sessionid"].value
    cache = caches["sessions"]
    assert cache.get(session_store.KEY_PREFIX + key) is not None  # the copy is in Redis

    # Redis stops answering just as the person signs out: the copy stays in it.
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis cannot be reached")

    monkeypatch.setattr(type(cache), "delete", unreachable)
    monkeypatch.setattr(type(cache), "delete_many", unreachable)
    assert client.post("/sign-out")["Location"] == "/signed-out"
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(session_store.KEY_PREFIX + key) is not None  # still there

    # Redis answers again, and the old cookie comes back: to this process, or another that has
    # not seen the sign-out.
    monkeypatch.undo()
    if reader == "another process":
        session_store.evictions.forget()
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get("/account").status_code == 302  # to sign-in, not the account page

    # the copy is deleted from Redis once it answers, and the record of it with it
    session_store.evictions.forget()
    again = Client()  # the response to the last one deleted its cookie
    again.cookies["sessionid"] = key
    assert again.get("/account").status_code == 302
    assert cache.get(session_store.KEY_PREFIX + key) is None
    assert not SessionEviction.objects.exists()


def test_a_session_still_open_is_read_through_redis_as_before(real_redis, member):
    client = sign_in(member)
    key = client.cookies["sessionid"].value
    assert caches["sessions"].get(session_store.KEY_PREFIX + key) is not None
    assert client.get("/account").status_code == 200
    assert not SessionEviction.objects.exists()
