"""Writes for two-factor sign-in. Each runs in a transaction and records an audit entry:
set up (enrolled), a code accepted (verified), a code refused (failed), a recovery code used,
new recovery codes, turned off, reset by support, locked out and refused while locked.

Codes are checked here and nowhere else: the authenticator row is locked while a code is checked,
so two requests with the same code cannot both be accepted. Whatever changes the second factor of
someone who has one (a new app, new recovery codes, turning it off) needs the current factor
first, so a stolen session alone cannot take it over (issue 22)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.selectors import organisation_for_user
from audit.models import AuditEntry
from audit.services import Auditor

from .models import Authenticator, Passkey, RecoveryCode
from .recovery_codes import COUNT, recovery_code_hash, recovery_code_new
from .rules import may_turn_off
from .secret_storage import authenticator_secret, authenticator_secret_set
from .totp import matching_step

if TYPE_CHECKING:
    from accounts.models import User

SECOND_FACTOR_FAILURE_LIMIT = 5
SECOND_FACTOR_LOCKOUT = timedelta(minutes=15)
# How long the current factor, given for one purpose (two_factor.current_factor), allows it: long
# enough to install an app and scan a QR code, or to name a token.
CURRENT_FACTOR_FOR = timedelta(minutes=10)


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    REUSED = "reused"  # a right code for a time step already used
    LOCKED = "locked"  # too many wrong codes recently: not checked at all
    NO_AUTHENTICATOR = "no_authenticator"
    # replacing a confirmed app without a current code or recovery code accepted just before
    CURRENT_FACTOR_NEEDED = "current_factor_needed"


@dataclass(frozen=True)
class NewRecoveryCodes:
    """Codes to show the person once; only their hashes are stored."""

    codes: list[str]


class TwoFactorNotAllowed(Exception):
    """Turning two-factor off was asked for by someone who must use it."""


def second_factor_locked(user: User) -> bool:
    """Locked while SECOND_FACTOR_FAILURE_LIMIT wrong codes (TOTP or recovery) were entered for
    the user within SECOND_FACTOR_LOCKOUT, counted in the audit log so every process agrees."""
    return _recent_failures(user) >= SECOND_FACTOR_FAILURE_LIMIT


def _recent_failures(user: User) -> int:
    return AuditEntry.objects.filter(
        action="two_factor.failed",
        actor=user,
        at__gte=timezone.now() - SECOND_FACTOR_LOCKOUT,
    ).count()


def _audit(user: User, action: str, *, actor: User | None = None, **after: object) -> None:
    Auditor(user if actor is None else actor).record(
        action=action, obj=user, organisation=organisation_for_user(user), after=after or None
    )


def _codes_replace(user: User) -> NewRecoveryCodes:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [recovery_code_new() for _ in range(COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=recovery_code_hash(code)) for code in codes
    )
    return NewRecoveryCodes(codes)


def current_factor_counts(given_at: datetime | None, *, last_used: datetime | None) -> bool:
    """Whether the current factor, accepted for one purpose at `given_at` (None when never),
    still allows it: within CURRENT_FACTOR_FOR, and only if it came after `last_used` (when that
    purpose was last carried out, None when never), so one check allows one change."""
    if given_at is None:
        return False
    now = timezone.now()
    if last_used is not None and given_at <= last_used:
        return False
    return given_at <= now and now - given_at <= CURRENT_FACTOR_FOR


def replacement_confirmed(
    authenticator: Authenticator | None, *, current_factor_at: datetime | None
) -> bool:
    """Whether `authenticator` may be replaced, given when a code from it or a recovery code
    was last accepted for that (`current_factor_at`, None when never): always when there is no
    confirmed app yet; otherwise as current_factor_counts says, the app's set-up being the last
    replacement."""
    if authenticator is None or not authenticator.is_confirmed:
        return True
    if authenticator.confirmed_at is None:
        return False
    return current_factor_counts(current_factor_at, last_used=authenticator.confirmed_at)


@transaction.atomic
def authenticator_enrol(
    *, user: User, secret: str, code: str, client: str, current_factor_at: datetime | None = None
) -> NewRecoveryCodes | CodeCheck:
    """Set up (or replace) the user's authenticator app with `secret` once `code` shows the app
    holds it, and give them new recovery codes (the old ones stop working).

    Replacing a confirmed app needs `current_factor_at`: when code_verify or recovery_code_use
    accepted, with purpose "replace", a code from it or a recovery code in this session (see
    replacement_confirmed); without it CodeCheck.CURRENT_FACTOR_NEEDED and nothing changes. A
    first app needs nothing but the code from it.

    The same secret confirmed twice (a double submit) changes nothing the second time and
    returns CodeCheck.REUSED: the codes the first request made stay valid."""
    existing = Authenticator.objects.select_for_update().filter(user=user).first()
    if existing is not None and existing.is_confirmed and authenticator_secret(existing) == secret:
        return CodeCheck.REUSED
    if not replacement_confirmed(existing, current_factor_at=current_factor_at):
        return CodeCheck.CURRENT_FACTOR_NEEDED
    step, _ = matching_step(secret, code, now=timezone.now(), after_step=None)
    if step is None:
        return CodeCheck.WRONG
    replaced = existing is not None and existing.is_confirmed
    authenticator = existing or Authenticator(user=user)
    authenticator_secret_set(authenticator, secret)
    authenticator.confirmed_at = timezone.now()
    authenticator.last_used_step = step
    authenticator.save()
    codes = _codes_replace(user)
    _audit(
        user,
        "two_factor.enrolled",
        client=client,
        replaced=replaced,
        recovery_codes=len(codes.codes),
    )
    return codes


def _failure(user: User, *, client: str, purpose: str, reason: str) -> None:
    _audit(user, "two_factor.failed", client=client, purpose=purpose, reason=reason)
    if _recent_failures(user) == SECOND_FACTOR_FAILURE_LIMIT:
        _audit(
            user,
            "two_factor.locked_out",
            client=client,
            minutes=SECOND_FACTOR_LOCKOUT.seconds // 60,
        )


def _refused_while_locked(user: User, *, client: str, purpose: str) -> bool:
    if not second_factor_locked(user):
        return False
    _audit(user, "two_factor.refused", client=client, purpose=purpose)
    return True


@transaction.atomic
def code_verify(*, user: User, code: str, client: str, purpose: str) -> CodeCheck:
    """Check a code from the user's authenticator app: accepted at most once per time step.

    `purpose` says what the code was asked for (sign_in, recovery_codes, turn_off, or a
    current_factor.Purpose) in the audit entry. Wrong and reused codes count towards the
    lockout; while locked nothing is checked."""
    authenticator = (
        Authenticator.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=False)
        .first()
    )
    if authenticator is None:
        return CodeCheck.NO_AUTHENTICATOR
    if _refused_while_locked(user, client=client, purpose=purpose):
        return CodeCheck.LOCKED
    secret = authenticator_secret(authenticator)
    step, replayed = matching_step(
        secret, code, now=timezone.now(), after_step=authenticator.last_used_step
    )
    if step is None:
        reason = CodeCheck.REUSED if replayed else CodeCheck.WRONG
        _failure(user, client=client, purpose=purpose, reason=reason.value)
        return reason
    authenticator.last_used_step = step
    authenticator.save(update_fields=["last_used_step", "updated_at"])
    _audit(user, "two_factor.verified", client=client, purpose=purpose)
    return CodeCheck.ACCEPTED


@transaction.atomic
def recovery_code_use(*, user: User, code: str, client: str, purpose: str = "sign_in") -> CodeCheck:
    """Accept one of the user's unused recovery codes instead of a code from the app, and mark it
    used: each works once. Wrong or used codes count towards the lockout. `purpose` as for
    code_verify."""
    if not Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return CodeCheck.NO_AUTHENTICATOR
    if _refused_while_locked(user, client=client, purpose=purpose):
        return CodeCheck.LOCKED
    recovery = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=recovery_code_hash(code), used_at__isnull=True)
        .first()
    )
    if recovery is None:
        _failure(user, client=client, purpose=purpose, reason="recovery_code")
        return CodeCheck.WRONG
    recovery.used_at = timezone.now()
    recovery.save(update_fields=["used_at", "updated_at"])
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    _audit(user, "two_factor.recovery_code_used", client=client, left=left, purpose=purpose)
    return CodeCheck.ACCEPTED


@transaction.atomic
def recovery_codes_regenerate(
    *, user: User, code: str, client: str
) -> NewRecoveryCodes | CodeCheck:
    """New recovery codes once a code from the app is accepted; the old ones stop working."""
    check = code_verify(user=user, code=code, client=client, purpose="recovery_codes")
    if check is not CodeCheck.ACCEPTED:
        return check
    codes = _codes_replace(user)
    _audit(user, "two_factor.recovery_codes_regenerated", client=client, count=len(codes.codes))
    return codes


@transaction.atomic
def authenticator_turn_off(*, user: User, code: str, client: str) -> CodeCheck:
    """Turn two-factor sign-in off, once a code from the app is accepted. Refused (raises
    TwoFactorNotAllowed) for anyone who must use it (two_factor.rules)."""
    if not may_turn_off(user):
        raise TwoFactorNotAllowed
    check = code_verify(user=user, code=code, client=client, purpose="turn_off")
    if check is not CodeCheck.ACCEPTED:
        return check
    Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    _audit(user, "two_factor.turned_off", client=client)
    return check


@transaction.atomic
def authenticator_reset(*, user: User, actor: User | None, reason: str) -> bool:
    """Support's reset (`manage.py two_factor_clear`): remove the user's authenticator,
    recovery codes and passkeys (ADR 0043: a lost phone may hold one), so they set it up again
    at their next sign-in (staff must). Audited with who asked and why, and how many passkeys
    went when any did; returns whether there was an app to remove."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    passkeys, _ = Passkey.objects.filter(user=user).delete()
    after: dict[str, object] = {"reason": reason, "had_authenticator": bool(removed)}
    if passkeys:
        after["passkeys_removed"] = passkeys
    Auditor(actor).record(
        action="two_factor.reset",
        obj=user,
        organisation=organisation_for_user(user),
        after=after,
    )
    return bool(removed)
