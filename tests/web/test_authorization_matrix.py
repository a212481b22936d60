"""Every URL of the service, asked by every kind of user: anonymous, a member of organisation A,
a member of organisation B, an NHS England reviewer and an administrator, in a world where both
organisations have one of every record (tests/web/matrix_world.py).

- Nobody gets what is not theirs: another organisation's application is a 404. An applicant
  asking NHS England's pages is refused (403) with the same words whatever record the URL names,
  before anything is looked up, so the refusal reveals nothing (ADR 0036). Those allowed are
  served the record the URL names: the page shows its own visible text, and none of the other
  organisation's.
- Every nested URL is asked with one organisation's parent and the other's child, both ways
  round, by every role with every method: always a 404, so a child looked up by its id alone
  (not through its parent) is caught.
- Every URL naming an application is asked of the other organisation's applications in every
  state they are in (paused, a draft, one just started, withdrawn): a 404.

A URL pattern missing from the table fails the test, so every new URL is covered.

The world is built once for the file, inside a transaction that each test's own (a savepoint)
rolls back to, so an allowed POST (a withdrawal, a decision) in one test is not seen by the
next; building it for each of the file's tests would take most of the file's time."""

import io
import re
import uuid
from html.parser import HTMLParser

import openpyxl
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from accounts.urls import ProviderConverter
from audit.models import AuditEntry
from tests.api_tokens import token_made
from tests.conftest import TODAY
from tests.web.matrix_shows import CROSS_ORGANISATION, REDIRECTS, SHOWS, SHOWS_TO_ANONYMOUS
from tests.web.matrix_urls import MEMBERS, ROLES, STAFF, URLS
from tests.web.matrix_world import matrix_world

APPLICATION = {"app", "controller_app", "new_app"}
# Whose records each role's pages are about.
OWN = {"member_a": "A", "member_b": "B"}
OTHER = {"A": "B", "B": "A"}
# Parameters naming a record of one organisation (the rest are fixed strings or staff-wide).
RECORDS = {
    "app",
    "controller_app",
    "new_app",
    "doc",
    "hold",
    "comment",
    "change",
    "person",
    "draft_person",
    "hazard",
    "evidence",
    "certificate",
    "membership",
    "invitation",
    "api_token",
    "attestation",
    "attestation_request",
}
# NHS England's pages, all under /review (the JSON API answers as the API does): refused to
# applicants, saying so.
REVIEWER_PAGES = {name for name, (template, *_) in URLS.items() if template.startswith("/review")}
REVIEWER_REFUSAL = "This page is for NHS England's reviewers."


def refused_as_applicant(response, where):
    assert response.status_code == 403, where
    text = seen(response)
    assert REVIEWER_REFUSAL in text, f"{where}: {text}"
    assert "Go to your applications" in text, where


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
    if isinstance(converter, ProviderConverter):
        return "cis2"
    return "x"


def parameters(template):
    return set(re.findall(r"{(\w+)}", template))


def test_the_table_covers_every_url_pattern_of_the_project():
    names = sorted(name for name, _ in routes())
    assert len(names) == len(set(names)), "two URL patterns share a name"
    assert set(names) == set(URLS), (
        f"unknown: {sorted(set(names) - set(URLS))}; gone: {sorted(set(URLS) - set(names))}"
    )


def test_every_page_someone_may_read_says_what_it_must_show():
    """An allowed GET is checked against the record's own text (SHOWS) or where it may send
    them (REDIRECTS); a URL added to the table without either fails here rather than going
    unchecked."""
    served = {
        name for name, (_, methods, allowed, _) in URLS.items() if "GET" in methods and allowed
    }
    assert served - set(SHOWS) - set(REDIRECTS) == set(), sorted(served - set(SHOWS))
    assert set(SHOWS) | set(REDIRECTS) <= served, sorted(set(SHOWS) | set(REDIRECTS) - served)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both organisations' records (tests/web/matrix_world.py), built once for the file, with
    today pinned and evidence stored in a folder of the file's own."""
    from questionnaire import definitions

    folder = tmp_path_factory.mktemp("matrix")
    storages = {
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / "media"},
        }
    }
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(
            STORAGES={**settings.STORAGES, **storages},
            EVIDENCE_QUARANTINE_DIR=folder / "quarantine",
            CLAMD_ADDRESS="",
        ),
    ):
        patch.setattr(definitions, "today", lambda: TODAY)
        with transaction.atomic():
            yield matrix_world()
            transaction.set_rollback(True)


def client_for(role, world, path=""):
    """A browser signed in as the role; for the JSON API, a client with the role's own token."""
    if path.startswith("/api/") and role != "anonymous":
        secret = token_made(user=world["users"][role], name="matrix", days=7).secret
        return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def ask(client, method, path):
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/"):  # the API reads JSON bodies only
        return client.post(path, {}, content_type="application/json")
    return client.post(path, {})


class _Visible(HTMLParser):
    """The text a browser shows: tags dropped, entities decoded once, scripts and styles left
    out."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN
        attributes = dict(attrs)
        # What a text box holds is on the screen too.
        if tag == "input" and attributes.get("type") in (None, "text", "email", "tel", "number"):
            self.handle_data(attributes.get("value") or "")

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def seen(response):
    """What the person (or the program) asking is given to read: a page's visible text, a JSON
    or CSV body, a spreadsheet's cells, a file's bytes."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("text/html"):
        parser = _Visible()
        parser.feed(body.decode())
        return " ".join(" ".join(parser.parts).split())
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return body.decode("utf-8", errors="replace")


def texts_shown(name, world, side, role):
    shows = SHOWS_TO_ANONYMOUS.get(name, SHOWS[name]) if role == "anonymous" else SHOWS[name]
    return [text.format(**world[side].texts, **world["personal"][role]) for text in shows]


def foreign_texts(world, side):
    """What only the other organisation's pages may show."""
    return [
        text
        for key, text in world[OTHER[side]].texts.items()
        if text not in world[side].texts.values()
    ]


@pytest.mark.parametrize("name", sorted(URLS))
def test_each_role_gets_only_what_is_theirs(world, db, name):
    template, methods, allowed, public = URLS[name]
    path = template.format(**world["A"].values)
    # Those refused go first, so that an allowed POST (a withdrawal, a decision) cannot change
    # what a refused role would see.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        # member_b's own pages (their members, their two-factor) are about organisation B.
        side = "B" if role == "member_b" else "A"
        for method in methods:
            response = ask(client_for(role, world, path), method, path)
            status = response.status_code
            where = f"{method} {path} as {role}: {status}"
            assert status < 500, where
            if role in allowed:
                assert status != 404, where
                assert status != 403, where
                if method == "GET":
                    served_as_allowed(name, world, side, role, response, where)
            elif role == "anonymous" and not public and path.startswith("/api/"):
                assert status == 401, where
            elif role == "anonymous" and not public:
                assert status == 302 and "/sign-in" in response["Location"], where
            elif role in MEMBERS and name in REVIEWER_PAGES:
                refused_as_applicant(response, where)
            elif role == "member_b" and parameters(template) & RECORDS:
                # Organisation A's records do not exist, as far as B can tell.
                assert status == 404, where
            else:
                assert status in (403, 404), where
            if role not in allowed:
                text = seen(response)
                assert str(world["A"].values["app"]) not in text, where
                for record in world["A"].texts.values():
                    assert record not in text, f"{where}: shows {record!r}"


def served_as_allowed(name, world, side, role, response, where):
    """A GET by a role allowed it: the page of the record named, or a redirect it may make."""
    if response.status_code in (301, 302):
        # The path is organisation A's: so is where it leads.
        places = {place.format(**world["A"].values) for place in REDIRECTS.get(name, ())}
        assert response["Location"] in places, f"{where} to {response['Location']}"
        return
    assert response.status_code == 200, where
    text = seen(response)
    for shown in texts_shown(name, world, side, role):
        assert shown in text, f"{where}: {shown!r} not shown"
    if not (role in STAFF and name in CROSS_ORGANISATION):
        for foreign in foreign_texts(world, side):
            assert foreign not in text, f"{where}: shows {foreign!r}"
    if role in OWN:
        assert world[side].texts["comment_internal"] not in text, f"{where}: internal comment"


NESTED = sorted(
    name for name, (template, *_) in URLS.items() if len(parameters(template) & RECORDS) > 1
)


def test_the_nested_urls_are_the_ones_with_a_parent_and_a_child():
    assert NESTED == [
        "applications:document_request",
        "applications:reply_change_request",
        "applications:reply_comment",
        "applications:reply_document_request",
        "applications:reply_hold",
        "attestations:key_person_change",
        "attestations:key_person_remove",
        "attestations:request_resend",
        "hazards:change",
        "hazards:remove",
        "review:document_request",
        "review:document_request_ask_again",
        "review:hold_lift",
    ]


@pytest.mark.parametrize("name", NESTED)
def test_a_child_is_found_only_through_its_own_parent(world, db, name):
    """B's application with A's document request, hold, key person or hazard, and A's with B's:
    a 404 for everyone, the parent's own members and staff included, with every method; and
    nothing changed. Staff and members may see each side's record on its own URL (above)."""
    template, methods, _, public = URLS[name]
    parent = APPLICATION & parameters(template)
    entries = AuditEntry.objects.count()
    for parent_side, child_side in (("B", "A"), ("A", "B")):
        values = {
            **world[child_side].values,
            **{key: world[parent_side].values[key] for key in parent},
        }
        path = template.format(**values)
        for role in ROLES:
            for method in methods:
                response = ask(client_for(role, world, path), method, path)
                where = f"{method} {path} ({parent_side}'s parent, {child_side}'s child) as {role}"
                if role == "anonymous" and not public:
                    assert response.status_code == 302, f"{where}: {response.status_code}"
                    continue
                if role in MEMBERS and name in REVIEWER_PAGES:
                    refused_as_applicant(response, where)
                    continue
                assert response.status_code == 404, f"{where}: {response.status_code}"
                text = seen(response)
                for shown in world[child_side].texts.values():
                    assert shown not in text, f"{where}: shows {shown!r}"
    # Every write is audited (ADR 0009): none means nothing changed.
    assert AuditEntry.objects.count() == entries


WITH_APPLICATION = sorted(
    name for name, (template, *_) in URLS.items() if parameters(template) & APPLICATION
)


@pytest.mark.parametrize("name", WITH_APPLICATION)
def test_another_organisations_application_is_not_found_in_any_state(world, db, name):
    """Each organisation's member asks the other's applications, in every state (paused, a draft
    answered, a draft just started, withdrawn), with every method: a 404. Staff never see a
    draft (it stays with its organisation), nor a withdrawn application never submitted."""
    template, methods, allowed, _ = URLS[name]
    (parameter,) = parameters(template) & APPLICATION
    askers = [("member_a", "B"), ("member_b", "A")]
    askers += [(role, "A") for role in sorted(STAFF & allowed)]
    for role, side in askers:
        for state, application in world[side].applications.items():
            if role in STAFF and state == "paused":  # submitted: theirs to review
                continue
            path = template.format(**{**world[side].values, parameter: application})
            for method in methods:
                response = ask(client_for(role, world, path), method, path)
                where = f"{method} {path} ({side}'s {state} application) as {role}"
                if role in MEMBERS and name in REVIEWER_PAGES:
                    refused_as_applicant(response, where)
                    continue
                assert response.status_code == 404, f"{where}: {response.status_code}"


@pytest.mark.parametrize("name", sorted(URLS))
def test_the_methods_listed_are_the_ones_each_url_accepts(world, db, name):
    """PUT is accepted nowhere: the view's method check answers 405 with what it does accept, so
    the table above cannot leave a method untried. It answers before the view looks anything up,
    so the path's parameters are placeholders."""
    _, methods, allowed, _ = URLS[name]
    # A page nobody in the table may use (an attestation, the named person's) is asked by a
    # signed-in member, whom the method check answers before anything else.
    signed_in = allowed - {"anonymous"}
    role = sorted(signed_in)[0] if signed_in else ("anonymous" if allowed else "member_a")
    converters = dict(routes())[name]
    path = reverse(name, kwargs={key: placeholder(c) for key, c in converters.items()})
    response = client_for(role, world, path).put(path)
    assert response.status_code == 405, name
    assert set(response["Allow"].split(", ")) == set(methods), name
