"""A live attestation link's token is kept nowhere but in the email: it leaves the address bar
before any page is shown, so no page's feedback link carries it, and feedback given from a path
that holds one keeps (and audits) the path without it."""

import re

import pytest
from django.test import Client

from audit.models import AuditEntry
from core.paths import REMOVED, path_without_tokens
from core.tokens import token_new
from service_pages.models import Feedback
from tests.attestations.support import link_of

ADA = "ada.lovelace@northern.example"


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = "https://nir.example.nhs.uk"


def test_the_page_a_link_leads_to_holds_no_token(cso_asked):
    link = link_of(ADA)
    token = link.removeprefix("/attest/")
    browser = Client()
    landing = browser.get(link, follow=True)
    assert landing.status_code == 200
    assert [url for url, _ in landing.redirect_chain] == ["/attest"]
    page = landing.content.decode()
    assert "Northern Imaging Trust has asked you to attest its answers" in page
    assert "Question 8: DCB0129 compliance" in page
    assert token not in page
    assert 'href="/feedback?from=/attest"' in page
    # Feedback given from that page keeps no token, nor does its audit entry.
    form = browser.get("/feedback?from=/attest").content.decode()
    page_field = re.search(r'name="page" value="([^"]*)"', form).group(1)
    browser.post("/feedback", {"satisfaction": "satisfied", "page": page_field})
    assert Feedback.objects.get().page == "/attest"
    entry = AuditEntry.objects.get(action="feedback.received")
    assert token not in str(entry.after)


def test_a_link_followed_again_dead_or_unknown_holds_no_token_either(cso_asked):
    link = link_of(ADA)
    token = link.removeprefix("/attest/")
    unknown = Client().get(f"/attest/{token_new()}", follow=True)
    assert unknown.status_code == 404 and unknown.redirect_chain == [("/attest", 302)]
    # Nothing followed in this browser: not a valid link.
    assert Client().get("/attest").status_code == 404
    # The browser that followed it sees its page at /attest, as often as it asks.
    browser = Client()
    browser.get(link)
    assert browser.get("/attest").status_code == 200
    assert token not in browser.get("/attest").content.decode()


def test_feedback_from_a_path_with_a_token_keeps_the_path_without_it(db):
    token = token_new()
    for sent in (f"/attest/{token}", f"/invitation/{token}?x=1", f"/password-reset/link/{token}"):
        form = Client().get("/feedback", {"from": sent}).content.decode()
        assert token not in form
        Client().post("/feedback", {"satisfaction": "satisfied", "page": sent})
    kept = set(Feedback.objects.values_list("page", flat=True))
    assert kept == {
        f"/attest/{REMOVED}",
        f"/invitation/{REMOVED}",
        f"/password-reset/link/{REMOVED}",
    }
    audited = str(list(AuditEntry.objects.values_list("after", flat=True)))
    assert token not in audited


def test_feedback_text_is_kept_clean(db):
    Client().post("/feedback", {"satisfaction": "satisfied", "improve": "Clear\x00 and\r\nquick"})
    assert Feedback.objects.get().improve == "Clear and\nquick"


def test_a_token_like_segment_goes_and_a_record_id_stays():
    record = "0b9e4a52-7a0e-4b8c-9a53-5d2f1f0d6c11"
    assert path_without_tokens(f"/applications/{record}/attestations/s_dcb0129_confirmed") == (
        f"/applications/{record}/attestations/s_dcb0129_confirmed"
    )
    assert path_without_tokens(f"/attest/{token_new()}") == f"/attest/{REMOVED}"
    assert path_without_tokens("/") == "/"
