"""Writes for passkeys (ADR 0043). Each runs in a transaction and records an audit entry: a
passkey added or removed, a passkey accepted (at the second step, for signing in alone, or as the
current factor) and a passkey's answer refused, with why.

Adding or removing a passkey changes how a person signs in, so, as replacing the authenticator
app does (issue 22), it needs their current factor given in this session a moment ago, and one
check allows one change (two_factor.services.current_factor_counts)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.selectors import organisation_for_user
from audit.models import AuditEntry
from audit.services import Auditor
from audit.throttle import audit_anonymous

from .models import Passkey
from .passkeys import (
    Ceremony,
    PasskeyRefused,
    Refusal,
    authentication_verify,
    credential_id_of,
    registration_verify,
)
from .services import current_factor_counts

if TYPE_CHECKING:
    from accounts.models import User

CHANGES = ("passkey.added", "passkey.removed")


class CurrentFactorNeeded(Exception):
    """Adding or removing a passkey without the current factor given just before."""


def _audit(user: User | None, action: str, *, obj: object = None, **after: object) -> None:
    Auditor(user).record(
        action=action,
        obj=obj if obj is not None else user,  # type: ignore[arg-type]
        organisation=organisation_for_user(user) if user is not None else None,
        after=after or None,
    )


def _last_change(user: User) -> datetime | None:
    entry = AuditEntry.objects.filter(actor=user, action__in=CHANGES).order_by("-sequence").first()
    return entry.at if entry is not None else None


def passkey_change_allowed(user: User, *, current_factor_at: datetime | None) -> bool:
    """Whether the current factor, given at `current_factor_at`, allows one passkey change now:
    within CURRENT_FACTOR_FOR, and after the last change it allowed."""
    return current_factor_counts(current_factor_at, last_used=_last_change(user))


def passkey_refusal_record(
    *, user: User | None, ceremony: Ceremony, refusal: Refusal, client: str
) -> None:
    """A passkey's answer was refused before any passkey was found (cancelled, no JavaScript,
    a passkey this service does not know): recorded all the same, up to a number per client
    address (audit.throttle): anyone can send one without signing in."""
    audit_anonymous(
        action="passkey.refused",
        actor=user,
        obj=user,
        organisation=organisation_for_user(user) if user is not None else None,
        after={"ceremony": ceremony.value, "reason": refusal.value},
        client=client,
    )


@transaction.atomic
def passkey_add(
    *,
    user: User,
    name: str,
    credential: str,
    challenge: bytes,
    client: str,
    current_factor_at: datetime | None,
) -> Passkey | Refusal:
    """Register the passkey the browser created for `challenge`, under `name`. Raises
    CurrentFactorNeeded without a current factor that still counts; returns the Refusal (audited,
    not raised, so the entry is kept) when the library refuses the answer or the passkey is
    registered already (to anyone)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if not passkey_change_allowed(user, current_factor_at=current_factor_at):
        raise CurrentFactorNeeded
    try:
        new = registration_verify(credential=credential, challenge=challenge)
        if Passkey.objects.filter(credential_id=new.credential_id).exists():
            raise PasskeyRefused(Refusal.ALREADY_REGISTERED)
    except PasskeyRefused as refused:
        _audit(
            user,
            "passkey.refused",
            ceremony=Ceremony.REGISTER.value,
            reason=refused.refusal.value,
            client=client,
        )
        return refused.refusal
    passkey = Passkey.objects.create(
        user=user,
        name=name,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
    )
    _audit(user, "passkey.added", obj=passkey, name=name, client=client)
    return passkey


@transaction.atomic
def passkey_remove(
    *, user: User, passkey_id: int, client: str, current_factor_at: datetime | None
) -> bool:
    """Remove one of `user`'s own passkeys (False when they have none by that id: another
    person's is never found). Raises CurrentFactorNeeded as passkey_add does."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return False
    if not passkey_change_allowed(user, current_factor_at=current_factor_at):
        raise CurrentFactorNeeded
    _audit(user, "passkey.removed", obj=passkey, name=passkey.name, client=client)
    passkey.delete()
    return True


@transaction.atomic
def passkey_authenticate(
    *,
    user: User | None,
    ceremony: Ceremony,
    credential: str,
    challenge: bytes,
    client: str,
) -> User | Refusal:
    """Check a browser's passkey answer and return whose passkey it is. With `user` (the second
    step, or the current factor) only their own passkeys count; without (signing in without a
    password) any passkey of an active person, which must have verified them. The stored counter
    moves on; a counter going backwards is refused. Every refusal is audited and returned."""
    try:
        credential_id = credential_id_of(credential)
        found = Passkey.objects.select_for_update().filter(
            credential_id=credential_id, user__is_active=True
        )
        if user is not None:
            found = found.filter(user=user)
        passkey = found.select_related("user").first()
        if passkey is None:
            raise PasskeyRefused(Refusal.UNKNOWN)
        sign_count = authentication_verify(
            credential=credential,
            challenge=challenge,
            public_key=bytes(passkey.public_key),
            sign_count=passkey.sign_count,
            user_verification_required=ceremony is Ceremony.SIGN_IN,
        )
    except PasskeyRefused as refused:
        _audit(
            user,
            "passkey.refused",
            ceremony=ceremony.value,
            reason=refused.refusal.value,
            client=client,
        )
        return refused.refusal
    passkey.sign_count = sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at", "updated_at"])
    owner: User = passkey.user
    _audit(owner, "passkey.verified", obj=passkey, ceremony=ceremony.value, client=client)
    return owner
