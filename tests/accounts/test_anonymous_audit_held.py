"""What anyone can cause without signing in is audited up to a number per client address
(audit.throttle): a refused provider sign-in, a refused passkey, a refused password reset; and
feedback, which must not say who sent it, up to a number from one address counted outside the
audit (and a larger number from anyone); past either, not kept.
Past that, a log line without the client or its text, and no entry (each entry takes the chain
head's lock)."""

import logging

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.throttle import ANONYMOUS_CLIENT_LIMIT
from service_pages.models import Feedback
from two_factor.passkey_services import passkey_refusal_record
from two_factor.passkeys import Ceremony, Refusal

DESCRIPTION = "Sign in at https://phish.example/ now \x1b[31m"


@pytest.fixture
def entra(db, settings):
    # The callback's error is read before the provider is asked anything.
    settings.OIDC_ENTRA_DISCOVERY_URL = "https://login.example/.well-known/openid-configuration"
    settings.OIDC_ENTRA_CLIENT_ID = "nir-entra"
    settings.OIDC_ENTRA_CLIENT_SECRET = "entra-client-secret"


def refusals(client=None):
    entries = AuditEntry.objects.filter(action="user.provider_sign_in_refused")
    if client is not None:
        entries = entries.filter(after__client=client)
    return list(entries.values_list("after", flat=True))


def test_a_callback_error_keeps_no_description_and_only_a_clean_code(entra):
    Client().get(
        "/sign-in/entra/callback",
        {"error": "server_error\x00\x07", "error_description": DESCRIPTION},
    )
    Client().get(
        "/sign-in/entra/callback", {"error": "access_denied", "error_description": DESCRIPTION}
    )
    failed, cancelled = refusals()
    assert failed["reason"] == "provider_error" and failed["detail"] == "server_error"
    assert cancelled["reason"] == "cancelled" and "detail" not in cancelled
    assert "phish" not in str(refusals())


def test_callback_errors_from_one_client_are_audited_up_to_the_limit(entra, caplog):
    flood = Client(REMOTE_ADDR="198.51.100.7")
    with caplog.at_level(logging.WARNING, logger="audit.throttle"):
        for _ in range(ANONYMOUS_CLIENT_LIMIT + 5):
            response = flood.get("/sign-in/entra/callback", {"error": "server_error"})
            assert response.status_code == 502  # the person is told the same each time
    assert len(refusals("198.51.100.7")) == ANONYMOUS_CLIENT_LIMIT
    left_out = [r for r in caplog.records if r.name == "audit.throttle"]
    assert len(left_out) == 5
    assert all("198.51.100.7" not in r.getMessage() for r in left_out)
    # Another client is audited still.
    Client(REMOTE_ADDR="203.0.113.9").get("/sign-in/entra/callback", {"error": "server_error"})
    assert len(refusals("203.0.113.9")) == 1


def test_passkey_refusals_from_one_client_are_audited_up_to_the_limit(db):
    for _ in range(ANONYMOUS_CLIENT_LIMIT + 3):
        passkey_refusal_record(
            user=None, ceremony=Ceremony.SIGN_IN, refusal=Refusal.CANCELLED, client="198.51.100.7"
        )
    entries = AuditEntry.objects.filter(action="passkey.refused")
    assert entries.count() == ANONYMOUS_CLIENT_LIMIT
    assert entries.first().after == {
        "ceremony": "sign_in",
        "reason": "cancelled",
        "client": "198.51.100.7",
    }


def test_feedback_past_the_limit_is_neither_kept_nor_audited(db, monkeypatch):
    monkeypatch.setattr("service_pages.services.FEEDBACK_AUDIT_LIMIT", 2)
    for _ in range(3):
        sent = Client().post("/feedback", {"satisfaction": "satisfied", "improve": "Clear."})
        assert sent["Location"] == "/feedback/sent"
    assert Feedback.objects.count() == 2
    entries = AuditEntry.objects.filter(action="feedback.received")
    assert entries.count() == 2
    assert all("client" not in entry.after for entry in entries)


def test_password_reset_refusals_are_held_too(db):
    flood = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(60):
        flood.post("/password-reset", {"email": f"person{n}@example.com"})
    assert AuditEntry.objects.filter(action="user.password_reset_request").count() == 20
    assert (
        AuditEntry.objects.filter(action="user.password_reset_refused").count()
        == ANONYMOUS_CLIENT_LIMIT
    )


def test_one_sender_of_feedback_cannot_crowd_out_another(db, monkeypatch, caplog):
    """Before, past the limit from anyone, nobody's feedback was kept: one sender could silence
    the service's feedback for everyone. Now one address is held to its own number, and
    nothing of the address is kept."""
    flood = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(ANONYMOUS_CLIENT_LIMIT + 5):
        sent = flood.post("/feedback", {"satisfaction": "satisfied", "improve": f"Flood {n}."})
        assert sent["Location"] == "/feedback/sent"
    assert Feedback.objects.count() == ANONYMOUS_CLIENT_LIMIT
    assert "left out" in caplog.text
    assert "198.51.100.7" not in caplog.text
    someone = Client(REMOTE_ADDR="203.0.113.9")
    someone.post("/feedback", {"satisfaction": "dissatisfied", "improve": "The page was slow."})
    kept = Feedback.objects.get(improve="The page was slow.")
    entry = AuditEntry.objects.filter(action="feedback.received").last()
    assert entry.object_id == str(kept.pk)
    assert "198.51.100.7" not in str(entry.after) and "203.0.113.9" not in str(entry.after)
