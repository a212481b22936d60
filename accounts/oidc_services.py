"""Writes for sign-in through OpenID Connect (accounts/oidc.py, ADR 0042). Each records an
audit entry: a sign-in with the provider and the `amr`/`acr` it gave, a refusal with its reason."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Auditor
from audit.throttle import audit_anonymous

from .client_address import client_address
from .models import ProviderIdentity, User
from .oidc import Identity, OidcRefused, Provider, Refusal
from .rules import can_review
from .services import user_sign_in

# What the session keeps of a provider's sign-in: the provider, to end its session at sign-out
# (with the ID token as the hint it asks for), and how it authenticated the person.
SESSION_KEY = "oidc_sign_in"


def staff_must_use(user: User) -> Provider | None:
    """The provider a reviewer or administrator must sign in through (STAFF_SIGN_IN_PROVIDER),
    or None: applicants, and staff while it is empty, may also use their password."""
    provider = settings.STAFF_SIGN_IN_PROVIDER
    if not provider or not (can_review(user) or user.is_staff or user.is_superuser):
        return None
    return Provider(provider)


def user_sign_in_through_provider(*, request: HttpRequest, identity: Identity) -> User:
    """Start a session for the active account with the email address the provider vouched for.

    Nobody is created: without such an account (invited, and not deactivated) OidcRefused
    NOT_INVITED is raised. Staff who must sign in through the other provider are refused too.
    The provider's authentication is the whole sign-in: no second step here (ADR 0042)."""
    user = User.objects.filter(email=identity.email, is_active=True).first()
    if user is None:
        raise OidcRefused(Refusal.NOT_INVITED)
    required = staff_must_use(user)
    if required is not None and required != identity.provider:
        raise OidcRefused(Refusal.STAFF_PROVIDER, f"must use {required.value}")
    staff = can_review(user) or user.is_staff or user.is_superuser
    if identity.provider is Provider.ENTRA and not staff:
        raise OidcRefused(Refusal.STAFF_ONLY)
    _identity_bind(user, identity)
    user_sign_in(
        request=request,
        user=user,
        how={
            "provider": identity.provider.value,
            "subject": identity.subject,
            "amr": identity.amr,
            "acr": identity.acr,
            **(
                {"assurance_level": identity.assurance_level}
                if identity.assurance_level is not None
                else {}
            ),
        },
    )
    request.session[SESSION_KEY] = {
        "provider": identity.provider.value,
        "id_token": identity.id_token,
        "amr": identity.amr,
        "acr": identity.acr,
    }
    return user


def _identity_bind(user: User, identity: Identity) -> None:
    """The provider's subject signs in to one account, and an account to one subject at each
    provider: bound at the first sign-in through it (recorded in that sign-in's audit entry).
    Two first sign-ins at once bind once: the second is the first again when it is the same
    account and subject, and refused otherwise, never an error."""
    bound = ProviderIdentity.objects.filter(
        provider=identity.provider.value, subject=identity.subject
    ).first()
    if bound is not None and bound.user_id != user.pk:
        raise OidcRefused(Refusal.OTHER_ACCOUNT, "subject bound to another account")
    mine = ProviderIdentity.objects.filter(user=user, provider=identity.provider.value).first()
    if mine is not None and mine.subject != identity.subject:
        raise OidcRefused(Refusal.OTHER_ACCOUNT, "account bound to another subject")
    if mine is None:
        try:
            with transaction.atomic():  # a savepoint: the sign-in's own work goes on after it
                ProviderIdentity.objects.create(
                    user=user,
                    provider=identity.provider.value,
                    subject=identity.subject,
                    bound_at=timezone.now(),
                )
        except IntegrityError:
            # Another first sign-in bound it at the same moment: the same account and subject
            # (a double click, two tabs) is this one again; anything else is refused as above.
            if not ProviderIdentity.objects.filter(
                user=user, provider=identity.provider.value, subject=identity.subject
            ).exists():
                raise OidcRefused(
                    Refusal.OTHER_ACCOUNT, "bound at the same time by another sign-in"
                ) from None


def provider_sign_in_refused(
    *, request: HttpRequest, provider: Provider, refused: OidcRefused, email: str = ""
) -> None:
    """Record a refused sign-in through a provider, with its reason: anyone can cause one (a
    callback with an error or a forged state), so they are held to a number per client address
    (audit.throttle)."""
    after: dict[str, str] = {
        "client": client_address(request),
        "provider": provider.value,
        "reason": refused.refusal.value,
    }
    if email:
        after["email"] = email
    if refused.detail:
        after["detail"] = refused.detail
    audit_anonymous(action="user.provider_sign_in_refused", after=after, client=after["client"])


def staff_password_sign_in_refused(*, request: HttpRequest, user: User, provider: Provider) -> None:
    """Record that a reviewer or administrator gave their right password but must sign in
    through `provider` (STAFF_SIGN_IN_PROVIDER): no session is started."""
    Auditor(user).record(
        action="user.sign_in_refused",
        obj=user,
        after={
            "email": user.email,
            "client": client_address(request),
            "reason": "staff_provider",
            "provider": provider.value,
        },
    )
