"""Hostile input to the newest forms: questionnaire versions (ADR 0044), moving a draft to a new
version, passkeys (ADR 0043), the hazard log's source and the CSO's approval (ADR 0045), the
OpenID Connect callback (ADR 0042), feedback and the replies (ADR 0037).

Each form of the authorization matrix's world (tests/web/matrix_world.py) is sent, by the person
allowed it, NUL bytes and other control characters, 100,000-character strings, huge and negative
numbers and the other organisation's ids, in every field its page shows and with fields missing.
Whatever is sent, the answer is never a server error: the page with the design system's error
summary, a redirect, or a 404 for what is not theirs; and no control character is stored."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client

from accounts.models import UserKind
from accounts.services import user_create
from applications.models import Application
from audit.models import AuditEntry
from questionnaire.models import PublishedVersion
from service_pages.models import Feedback
from tests.accounts.conftest import (  # noqa: F401 - the fixtures
    cis2_stand_in,
    entra_stand_in,
    providers,
    service_key,
)
from tests.accounts.oidc_support import CIS2_AAL3, ENTRA_MFA, callback_from
from tests.conftest import PASSWORD
from tests.oidc_provider import NextSignIn
from tests.passkey_support import SoftAuthenticator
from tests.questionnaire_versions.support import upload, version_2_text
from tests.web.conftest import errors_on, signed_in
from tests.web.matrix_urls import URLS
from tests.web.test_authorization_matrix import client_for, world  # noqa: F401 - the fixture
from tests.web.test_passkeys import confirm_with_password
from two_factor.models import Passkey

HUGE = "9" * 30
NUL = "before\x00after"
CONTROL = "a\x01b\x07c\x1bd\x7fe\u2028f\ufeffg"
LONG = "x" * 100_000
NUMBERS = [HUGE, "-1", "-" + HUGE, "0", "1e308", "NaN", "１２", "1_0"]

# The new forms, and who may post to each.
NEW_FORMS = {
    "questionnaire:admin_version_new": "administrator",
    "questionnaire:admin_version_candidate": "administrator",
    "questionnaire:version_move": "member_a",
    "hazards:source": "member_a",
    "hazards:ask_approval": "member_a",
    "hazards:approve": "member_a",
    "service_pages:feedback": "anonymous",
    "applications:reply_hold": "member_a",
    "applications:reply_comment": "member_a",
    "applications:reply_change_request": "member_a",
    "applications:reply_document_request": "member_a",
    "two_factor:passkey_add": "member_a",
    "two_factor:passkey_remove": "member_a",
    "two_factor:passkeys_confirm": "member_a",
    "two_factor:passkey_sign_in": "anonymous",
    "two_factor:sign_in_passkey": "anonymous",
}
# Fields the views read that a page may not show (a button's name, a query's).
ALWAYS = {"passkey", "credential", "passkey-error", "to_version", "definition_id", "source", "note"}


class _Fields(HTMLParser):
    """The names of the fields of a page's forms."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            self.names.add(name)


def fields_of(response) -> set[str]:
    parser = _Fields()
    parser.feed(response.content.decode(errors="replace"))
    return (parser.names | ALWAYS) - {"csrfmiddlewaretoken"}


def url_of(name, world, organisation="A"):  # noqa: F811 - the fixture's name
    return URLS[name][0].format(**world[organisation].values)


def other_ids(world) -> list[str]:  # noqa: F811
    """Every id of the other organisation's records."""
    return [str(v) for v in world["B"].values.values()]


def bodies(names: set[str], world) -> list[dict[str, str]]:  # noqa: F811
    """What a hostile person posts: each field the same hostile value, and each field alone."""
    values = [NUL, CONTROL, LONG, "", *NUMBERS, *other_ids(world)[:4]]
    sent = [{name: value for name in names} for value in values]
    sent += [{name: NUL} for name in sorted(names)]
    sent.append({})
    return sent


def stored_text_rows():
    """Every text value in the database holding a control character, as (table, value)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                if column.type_code not in ("text", "varchar", 25, 1043) and not (
                    isinstance(column.type_code, str) and "char" in column.type_code.lower()
                ):
                    continue
                quoted = connection.ops.quote_name
                cursor.execute(f"SELECT {quoted(column.name)} FROM {quoted(table)}")
                for (value,) in cursor.fetchall():
                    if isinstance(value, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value):
                        found.append((table, column.name, value[:80]))
    return found


@pytest.mark.parametrize("name", sorted(NEW_FORMS))
def test_hostile_posts_to_each_new_form_never_get_a_server_error(world, name):  # noqa: F811
    role = NEW_FORMS[name]
    url = url_of(name, world)
    client = client_for(role, world)
    page = client.get(url)
    names = fields_of(page) if page.status_code == 200 else set(ALWAYS)
    before = stored_text_rows()
    for body in bodies(names, world):
        response = client.post(url, body)
        shown = {k: v[:20] for k, v in body.items()}
        assert response.status_code < 500, (url, shown, response.status_code)
        if response.status_code == 400:
            text = response.content.decode()
            assert "nhsuk-error-summary" in text, (url, shown)
    assert stored_text_rows() == before, url


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize(
    "path",
    [
        "/account/passkeys/remove?passkey={n}",
        "/applications/{app}/change-requests/{n}/reply",
        "/applications/{app}/hazard-log/{n}/change",
        "/applications/{app}/hazard-log/{n}/remove",
    ],
)
def test_huge_and_negative_ids_in_urls_are_not_found(world, path, number):  # noqa: F811
    client = client_for("member_a", world)
    url = path.format(n=number, **world["A"].values)
    for response in (client.get(url), client.post(url, {"passkey": number})):
        assert response.status_code in (302, 404), (url, response.status_code)


def test_a_huge_passkey_id_posted_to_remove_goes_back_to_the_account_page(world):  # noqa: F811
    client = client_for("member_a", world)
    response = client.post("/account/passkeys/remove", {"passkey": HUGE})
    assert response.status_code == 302
    assert response["Location"] == "/account#passkeys"


@pytest.mark.parametrize(
    "name",
    [
        "applications:reply_hold",
        "applications:reply_comment",
        "applications:reply_change_request",
        "applications:reply_document_request",
        "hazards:source",
        "hazards:ask_approval",
        "questionnaire:version_move",
    ],
)
def test_the_other_organisations_records_are_not_found(world, name):  # noqa: F811
    """Organisation A's member, asking with B's application or B's child record."""
    client = client_for("member_a", world)
    template = URLS[name][0]
    mixed = {**world["A"].values}
    mixed["app"] = world["B"].values["app"]
    for values in (world["B"].values, mixed):
        url = template.format(**values)
        response = client.post(url, {"text": "A reply", "answer_source": "in_service"})
        assert response.status_code == 404, url


# --------------------------------------------------------------------- double submit, two tabs


def test_feedback_sent_twice_from_one_form_is_kept_once(client):
    page = client.get("/feedback")
    submission = re.search(r'name="submission" value="([^"]+)"', page.content.decode()).group(1)
    body = {"satisfaction": "satisfied", "improve": "More help", "submission": submission}
    first, second = client.post("/feedback", body), client.post("/feedback", body)
    assert first.status_code == second.status_code == 302
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("submission", [NUL, LONG, HUGE, "-1"])
def test_feedback_with_a_hostile_form_id_is_kept_clean(db, submission):
    """A form id that is not one the service gave is replaced by a new one: each post is kept,
    without its control characters, and a page that is not one of the service's is dropped."""
    before = Feedback.objects.count()
    body = {"satisfaction": "satisfied", "improve": NUL, "submission": submission, "page": LONG}
    assert Client().post("/feedback", body).status_code == 302
    kept = Feedback.objects.order_by("-received_at", "-pk").first()
    assert Feedback.objects.count() == before + 1
    assert kept.improve == "beforeafter" and kept.page == ""


def test_the_version_move_form_of_a_stale_tab_moves_nothing(world):  # noqa: F811
    """Nothing is published beyond the world's version: a move posted with any version or
    questionnaire id goes back to the application and leaves it where it was."""
    client = client_for("member_a", world)
    url = url_of("questionnaire:version_move", world)
    application = Application.objects.get(pk=world["A"].values["app"])
    before = application.stage2_response.definition_version
    for body in (
        {"to_version": "2", "definition_id": "nir-stage2-governance-assurance"},
        {"to_version": HUGE, "definition_id": NUL},
        {"to_version": "-1", "definition_id": LONG},
    ):
        response = client.post(url, body)
        assert response.status_code == 302, body
    application.stage2_response.refresh_from_db()
    assert application.stage2_response.definition_version == before


# --------------------------------------------------------------------------- the OIDC callback

HOSTILE_CALLBACKS = [
    {},
    {"code": NUL, "state": NUL},
    {"code": LONG, "state": LONG},
    {"code": "x", "state": "STATE", "error": NUL},
    {"error": "access_denied", "error_description": LONG, "state": "STATE"},
    {"error": CONTROL, "state": CONTROL},
    {"code": HUGE, "state": "STATE", "iss": "https://evil.example"},
    {"code": LONG, "state": "STATE"},
    {"code": NUL, "state": "STATE"},
    {"code": "", "state": "STATE"},
]


@pytest.mark.parametrize("query", HOSTILE_CALLBACKS)
@pytest.mark.parametrize("name", ["cis2", "entra"])
def test_a_hostile_callback_lands_on_a_refusal_page_and_signs_nobody_in(
    providers,  # noqa: F811 - the fixture
    member,
    name,
    query,
):
    """Started in this browser (so its state is in the session, and "STATE" is replaced by it),
    or not; then called back with what the provider never sent."""
    client = Client(raise_request_exception=False)
    providers[name].next = NextSignIn(email=member.email, claims=CIS2_AAL3 | ENTRA_MFA)
    callback = callback_from(providers[name], name=name, client=client)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    sent = {k: (state if v == "STATE" else v) for k, v in query.items()}
    response = client.get(f"/sign-in/{name}/callback", sent)
    assert response.status_code in (200, 400, 403, 502), (sent, response.status_code)
    assert "<h1" in response.content.decode(), sent
    assert SESSION_KEY not in client.session
    # The state, used or refused, is not used again: the provider's real answer is refused now.
    if "state" in sent and sent["state"] == state:
        assert client.get(callback).status_code == 400
        assert SESSION_KEY not in client.session


# ------------------------------------------------------------- publishing, twice and from two tabs


@pytest.fixture
def administrator_client(db, settings, tmp_path):
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.CLAMD_ADDRESS = ""
    administrator = user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        full_name="Alan Admin",
        actor=None,
    )
    return signed_in(administrator)


def checked(client) -> str:
    response = upload(client, version_2_text())
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_a_publish_sent_twice_publishes_once(administrator_client):
    candidate = checked(administrator_client)
    first = administrator_client.post(candidate, {"note": "Adds a deputy"})
    second = administrator_client.post(candidate, {"note": "Adds a deputy"})
    assert first.status_code == 302
    assert second.status_code == 400
    assert errors_on(second) == ["This version has already been published"]
    assert PublishedVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="questionnaire_version.publish").count() == 1


def test_the_same_version_checked_in_two_tabs_is_published_from_one(administrator_client):
    """Both tabs check version 2; the first publishes it; the second, stale, is refused with
    the reason and nothing more is published."""
    first_tab, second_tab = checked(administrator_client), checked(administrator_client)
    assert first_tab != second_tab
    assert administrator_client.post(first_tab, {"note": "From the first tab"}).status_code == 302
    stale = administrator_client.post(second_tab, {"note": "From the second tab"})
    assert stale.status_code == 400
    assert len(errors_on(stale)) == 1
    assert "version" in errors_on(stale)[0].lower()
    assert list(PublishedVersion.objects.values_list("note", flat=True)) == ["From the first tab"]


@pytest.mark.parametrize("note", ["\x00\x00\x00", " " * 100, CONTROL * 300, LONG])
def test_a_note_of_control_characters_or_too_long_publishes_nothing(administrator_client, note):
    candidate = checked(administrator_client)
    response = administrator_client.post(candidate, {"note": note})
    assert response.status_code == 400
    assert len(errors_on(response)) == 1
    assert not PublishedVersion.objects.exists()


def test_a_note_with_a_nul_byte_is_published_without_it(administrator_client):
    candidate = checked(administrator_client)
    assert administrator_client.post(candidate, {"note": NUL}).status_code == 302
    assert PublishedVersion.objects.get().note == "beforeafter"


# ------------------------------------------------------------------------- passkeys, confirmed


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("\x00\x00", "Enter a name for your passkey"),
        ("\u2028\t \x07", "Enter a name for your passkey"),
        (LONG, "Name of your passkey must be 100 characters or fewer"),
    ],
)
def test_a_passkey_name_of_control_characters_or_too_long_adds_nothing(member, name, error):
    client = signed_in(member)
    confirm_with_password(client)
    page = client.get("/account/passkeys/add")
    response = client.post(
        "/account/passkeys/add", {"name": name, "credential": SoftAuthenticator().create(page)}
    )
    assert response.status_code == 400
    assert errors_on(response) == [error]
    assert not Passkey.objects.exists()


def test_a_passkey_named_with_a_nul_byte_is_added_without_it_and_sent_twice_added_once(member):
    client = signed_in(member)
    confirm_with_password(client)
    page = client.get("/account/passkeys/add")
    body = {"name": "Work\x00 laptop", "credential": SoftAuthenticator().create(page)}
    assert client.post("/account/passkeys/add", body).status_code == 302
    again = client.post("/account/passkeys/add", body)
    # The current factor allowed one change: the second asks for it again, adding nothing.
    assert again.status_code == 302 and again["Location"].startswith("/account/passkeys/confirm")
    assert list(Passkey.objects.values_list("name", flat=True)) == ["Work laptop"]


def test_a_passkey_named_with_one_long_word_wraps_on_the_account_page(member):
    """The name is the person's: 100 characters without a space must wrap at 320px, not widen
    the page, and each value is labelled on a phone (the design system's responsive table)."""
    client = signed_in(member)
    confirm_with_password(client)
    page = client.get("/account/passkeys/add")
    name = "Y" * 100
    body = {"name": name, "credential": SoftAuthenticator().create(page)}
    assert client.post("/account/passkeys/add", body).status_code == 302
    account = client.get("/account").content.decode()
    table = re.search(r'<table class="([^"]*)" data-testid="passkeys"', account)
    assert table and "nhsuk-table--responsive" in table.group(1).split()
    assert f'<span class="app-wrap-anywhere">{name}</span>' in account
    labels = re.findall(r'class="nhsuk-table__heading" aria-hidden="true">([^<]+) </span>', account)
    assert labels == ["Name", "Added", "Last used"]
