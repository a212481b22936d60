"""Every URL of the service, asked by every kind of user: anonymous, a member of the
application's organisation (A), a member of another organisation (B), an NHS England reviewer and
an administrator. Nobody gets what is not theirs: another organisation's application is a 404,
and reviewer pages are a 404 to applicants. A URL pattern missing from the table fails the test,
so every new URL is covered."""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from accounts.models import UserKind
from accounts.services import user_create
from tests.api_tokens import token_made
from tests.conftest import PASSWORD
from tests.web.matrix_urls import ROLES, URLS
from tests.web.matrix_world import matrix_world


def routes(resolver=None, namespace="", converters=None):
    """Each URL pattern's name and the converters of its path's parameters, prefixes included."""
    resolver = resolver or get_resolver()
    converters = converters or {}
    for entry in resolver.url_patterns:
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, inner, found)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", found


def placeholder(converter):
    """A value the converter accepts: the method check answers before any object is looked up."""
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, IntConverter):
        return 1
    return "x"


def test_the_table_covers_every_url_pattern_of_the_project():
    names = sorted(name for name, _ in routes())
    assert len(names) == len(set(names)), "two URL patterns share a name"
    assert set(names) == set(URLS), (
        f"unknown: {sorted(set(names) - set(URLS))}; gone: {sorted(set(URLS) - set(names))}"
    )


@pytest.fixture
def world(applicant, member, outsider, reviewer, fixed_today, settings, tmp_path):
    """One of every object a URL names, for organisation A (tests/web/matrix_world.py)."""
    return matrix_world(
        applicant=applicant,
        member=member,
        outsider=outsider,
        reviewer=reviewer,
        settings=settings,
        tmp_path=tmp_path,
    )


def client_for(role, world, path=""):
    """A browser signed in as the role; for the JSON API, a client with the role's own token."""
    if path.startswith("/api/") and role != "anonymous":
        secret = token_made(user=world["users"][role], name="matrix", days=7).secret
        return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("name", sorted(URLS))
def test_each_role_gets_only_what_is_theirs(world, name):
    template, methods, allowed, public = URLS[name]
    path = template.format(**world["values"])
    # Those refused go first, so that an allowed POST (a withdrawal, a decision) cannot change
    # what a refused role would see.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        for method in methods:
            client = client_for(role, world, path)
            if method == "GET":
                response = client.get(path)
            elif path.startswith("/api/"):  # the API reads JSON bodies only
                response = client.post(path, {}, content_type="application/json")
            else:
                response = client.post(path, {})
            status = response.status_code
            where = f"{method} {path} as {role}: {status}"
            assert status < 500, where
            if role in allowed:
                assert status != 404, where
                assert status != 403, where
            elif role == "anonymous" and not public and path.startswith("/api/"):
                assert status == 401, where
            elif role == "anonymous" and not public:
                assert status == 302 and "/sign-in" in response["Location"], where
            elif role == "member_b" and "{app}" in template:
                # Another organisation's application does not exist, as far as they can tell.
                assert status == 404, where
            else:
                assert status in (403, 404), where
                assert str(world["values"]["app"]) not in response.content.decode(), where


@pytest.fixture
def users(member, outsider, reviewer):
    administrator = user_create(
        email="admin@england.example", password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )
    users = {"member_a": member, "member_b": outsider, "reviewer": reviewer}
    return {"users": {**users, "administrator": administrator}}


@pytest.mark.parametrize("name", sorted(URLS))
def test_the_methods_listed_are_the_ones_each_url_accepts(users, name):
    """PUT is accepted nowhere: the view's method check answers 405 with what it does accept, so
    the table above cannot leave a method untried. It answers before the view looks anything up,
    so the path's parameters are placeholders and no world is built."""
    _, methods, allowed, _ = URLS[name]
    # A page nobody in the table may use (an attestation, the named person's) is asked by a
    # signed-in member, whom the method check answers before anything else.
    signed_in = allowed - {"anonymous"}
    role = sorted(signed_in)[0] if signed_in else ("anonymous" if allowed else "member_a")
    converters = dict(routes())[name]
    path = reverse(name, kwargs={key: placeholder(c) for key, c in converters.items()})
    response = client_for(role, users, path).put(path)
    assert response.status_code == 405, name
    assert set(response["Allow"].split(", ")) == set(methods), name
