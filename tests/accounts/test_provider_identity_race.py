"""Two first sign-ins through a provider at the same moment (two tabs, a double click, or two
accounts given the same subject): the binding is made once, and the second sign-in is that
binding again or a refusal, never a server error (ADR 0042)."""

import pytest
from django.utils import timezone

from accounts.models import ProviderIdentity, User
from accounts.oidc import Identity, OidcRefused, Provider, Refusal
from accounts.oidc_services import _identity_bind
from tests.conftest import PASSWORD


def identity(subject="sub-123"):
    return Identity(
        provider=Provider.ENTRA,
        email="ada@example.com",
        subject=subject,
        amr=["pwd", "mfa"],
        acr="",
        assurance_level=None,
        id_token="",
    )


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada@example.com", PASSWORD)


def bound_meanwhile(monkeypatch, user, subject="sub-123"):
    """The other sign-in bound it after this one looked (its two lookups find nothing) and
    before this one's insert."""
    ProviderIdentity.objects.create(
        user=user, provider=Provider.ENTRA.value, subject=subject, bound_at=timezone.now()
    )
    lookup = ProviderIdentity.objects.filter
    looked = []

    def before_it_was_bound(*args, **kwargs):
        looked.append(kwargs)
        found = lookup(*args, **kwargs)
        return found.none() if len(looked) <= 2 else found

    monkeypatch.setattr(ProviderIdentity.objects, "filter", before_it_was_bound)


def test_the_same_account_and_subject_bound_meanwhile_is_this_binding(ada, monkeypatch):
    bound_meanwhile(monkeypatch, ada)
    _identity_bind(ada, identity())
    assert ProviderIdentity.objects.get().user == ada


def test_another_account_bound_meanwhile_to_the_subject_is_a_refusal(ada, monkeypatch):
    grace = User.objects.create_user("grace@example.com", PASSWORD)
    bound_meanwhile(monkeypatch, grace)
    with pytest.raises(OidcRefused) as refused:
        _identity_bind(ada, identity())
    assert refused.value.refusal == Refusal.OTHER_ACCOUNT
    assert ProviderIdentity.objects.get().user == grace


def test_another_subject_bound_meanwhile_to_the_account_is_a_refusal(ada, monkeypatch):
    bound_meanwhile(monkeypatch, ada, subject="sub-other")
    with pytest.raises(OidcRefused) as refused:
        _identity_bind(ada, identity())
    assert refused.value.refusal == Refusal.OTHER_ACCOUNT
