"""Your account: the header's email address leads to it, and from it to two-factor sign-in, API
tokens, the organisation's members and a new password. It shows only the person's own details."""

import re

from tests.api_tokens import ready_to_create
from tests.web.conftest import signed_in


def test_the_header_links_to_your_account_which_links_to_what_you_manage(member, outsider):
    client = signed_in(member)
    home = client.get("/").content.decode()
    assert 'href="/account"' in home
    page = client.get("/account")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Your account</h1>" in html
    assert member.email in html
    organisation = member.membership.organisation
    assert f"{organisation.name} (ODS code {organisation.ods_code})" in html
    for href, text in [
        ("/two-factor", "Two-factor authentication"),
        ("/account/api-tokens", "API tokens"),
        ("/organisation/members", f"Members of {organisation.name}"),
        ("/password-reset", "Change your password"),
    ]:
        assert f'<a href="{href}">{text}</a>' in html
    assert outsider.email not in html
    assert outsider.membership.organisation.name not in html


def test_staff_have_an_account_page_without_an_organisation(reviewer):
    html = signed_in(reviewer).get("/account").content.decode()
    assert reviewer.email in html
    assert "Organisation</dt>" not in html
    assert "/organisation/members" not in html


def test_a_tokens_revoke_button_names_it_in_hidden_text_escaped(member):
    client = ready_to_create(signed_in(member))
    client.post("/account/api-tokens", {"name": "<b>PACS</b>", "days": "30"})
    html = client.get("/account/api-tokens").content.decode()
    assert 'Revoke<span class="nhsuk-u-visually-hidden"> &lt;b&gt;PACS&lt;/b&gt;</span>' in html
    assert "&lt;span" not in html


def test_a_missing_duration_links_to_the_first_radio(member):
    client = ready_to_create(signed_in(member))
    html = client.post("/account/api-tokens", {"name": "PACS"}).content.decode()
    assert re.search(r'<a href="#days"[^>]*>\s*Select how long the token lasts\s*</a>', html)
    assert 'id="days"' in html
