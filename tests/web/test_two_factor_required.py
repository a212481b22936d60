"""Who must use two-factor sign-in (two_factor/rules.py), asserted by what they can open: after
the right password, a reviewer, an administrator, an account with `is_staff` and one with
`is_superuser` are not signed in. No page behind sign-in is served to them (its words are not
on the page they get) until they give a code from their app, or set one up; "Do this later" is
never offered to them, and they cannot turn it off.

Each account has only the one thing that makes two-factor required: the administrator's Django
flags are off (being an administrator is its kind, accounts/rules.py `can_administer`), and the
`is_staff` and `is_superuser` accounts are an organisation's members, not staff."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.models import User, UserKind
from accounts.services import user_create
from tests.conftest import PASSWORD
from tests.two_factor_support import fresh_code, give_authenticator
from tests.web.conftest import make_member

MUST_SET_UP = "You need to set up two-factor authentication before you can use this service"
ENTER_CODE = "Enter the 6-digit code from your authenticator app"


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(response) -> str:
    parser = _Visible()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def the_account(kind, organisation):
    if kind == "reviewer":
        return user_create(
            email="reviewer@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
        )
    if kind == "administrator":
        user = user_create(
            email="admin@england.example",
            password=PASSWORD,
            kind=UserKind.ADMINISTRATOR,
            actor=None,
        )
        User.objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
    else:
        user = make_member(organisation, f"{kind}@northern.example")
        User.objects.filter(pk=user.pk).update(**{kind: True})
    return User.objects.get(pk=user.pk)


# Each account's own pages behind sign-in, and words only those pages show.
PROTECTED = {
    "reviewer": ("/review", "Applications to review"),
    "administrator": ("/administration", "Organisations"),
    # Not `/`, which is the start page to someone not signed in (issue 26).
    "is_staff": ("/applications/start", "Which NIR integration scope are you onboarding for?"),
    "is_superuser": ("/applications/start", "Which NIR integration scope are you onboarding for?"),
}


def account_page_shown(client, user) -> bool:
    response = client.get("/account")
    return response.status_code == 200 and f"Email address {user.email}" in visible(response)


def not_served(client, user, kind):
    """Neither the account page nor the person's own home page: each sends them to sign in,
    and what they end on shows none of its words."""
    home, words = PROTECTED[kind]
    for path, shown in (("/account", f"Email address {user.email}"), (home, words)):
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith("/sign-in"), (path, response["Location"])
        landed = client.get(path, follow=True)
        assert landed.redirect_chain[-1][0].startswith("/sign-in"), landed.redirect_chain
        assert shown not in visible(landed), path
    assert SESSION_KEY not in client.session


def served(client, user, kind):
    home, words = PROTECTED[kind]
    assert account_page_shown(client, user)
    response = client.get(home)
    assert response.status_code == 200, (home, response.status_code)
    assert words in visible(response), home
    assert SESSION_KEY in client.session


def secret_on_page(response):
    found = re.search(r'data-testid="secret-key">([A-Z2-7 ]+)<', response.content.decode())
    return found.group(1).replace(" ", "")


def password_step(client, user):
    return client.post("/sign-in", {"email": user.email, "password": PASSWORD})


KINDS = ["reviewer", "administrator", "is_staff", "is_superuser"]


@pytest.mark.parametrize("kind", KINDS)
def test_without_an_app_they_set_one_up_before_any_page_opens(kind, organisation):
    user = the_account(kind, organisation)
    client = Client()
    response = password_step(client, user)
    assert response["Location"] == "/two-factor/set-up"
    not_served(client, user, kind)
    page = visible(client.get("/two-factor/set-up"))
    assert MUST_SET_UP in page
    assert "Do this later" not in page
    not_served(client, user, kind)  # looking at the set-up page does not sign them in

    secret = secret_on_page(client.get("/two-factor/set-up"))
    response = client.post("/two-factor/set-up", {"code": fresh_code(secret)})
    assert response["Location"].startswith("/two-factor/recovery-codes")
    served(client, user, kind)
    assert client.get("/two-factor/turn-off").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_with_an_app_no_page_opens_until_the_code_is_given(kind, organisation):
    user = the_account(kind, organisation)
    secret = give_authenticator(user)
    client = Client()
    assert password_step(client, user)["Location"] == "/two-factor/sign-in"
    not_served(client, user, kind)
    assert ENTER_CODE in visible(client.get("/two-factor/sign-in"))
    assert "Do this later" not in visible(client.get("/two-factor/set-up", follow=True))
    not_served(client, user, kind)
    assert client.post("/two-factor/sign-in", {"code": fresh_code(secret)}).status_code == 302
    served(client, user, kind)
    assert client.get("/two-factor/turn-off").status_code == 404


def test_an_applicant_is_signed_in_at_once_and_may_do_it_later(member):
    """The contrast that shows the checks above can tell: someone not required to use
    two-factor is served their pages straight after the password."""
    client = Client()
    assert password_step(client, member)["Location"] == "/two-factor/set-up"
    assert "Do this later" in visible(client.get("/two-factor/set-up"))
    assert account_page_shown(client, member)
    assert "Your applications" in visible(client.get("/"))
