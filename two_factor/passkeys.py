"""The WebAuthn ceremonies for passkeys (ADR 0043), through py_webauthn: the options a browser's
navigator.credentials.create/get is given, as JSON, and the checks of what it answers. The
relying party is PASSKEY_RP_ID and PASSKEY_ORIGIN (config/settings/sign_in.py, from SERVICE_URL).

Each challenge is kept in the session for one ceremony (its `kind`) and one person (or nobody,
for signing in without a password), and is taken out when the answer comes: it works once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

if TYPE_CHECKING:
    from accounts.models import User

CHALLENGE_KEY = "passkey_challenge"
# A ceremony's challenge is refused after this long, as the browser's own timeout would.
CEREMONY_SECONDS = 5 * 60


class Ceremony(StrEnum):
    REGISTER = "register"
    SECOND_FACTOR = "second_factor"  # the sign-in's second step, after the password
    SIGN_IN = "sign_in"  # signing in with a passkey alone
    CURRENT_FACTOR = "current_factor"  # before adding or removing a passkey


class Refusal(StrEnum):
    """Why a passkey's answer was refused: each has its own message (passkey_views.py) and is
    recorded in the audit entry."""

    NO_CREDENTIAL = "no_credential"  # nothing came back: no JavaScript, or the page was bypassed
    CANCELLED = "cancelled"  # the person cancelled, or the browser timed out
    UNSUPPORTED = "unsupported"  # the browser has no passkeys
    EXPIRED = "expired"  # no challenge in this session for this ceremony, or too old
    UNKNOWN = "unknown"  # a passkey this service does not know (or not this person's)
    INVALID = "invalid"  # the library refused it: wrong origin, signature, challenge...
    SIGN_COUNT = "sign_count"  # its counter went backwards: perhaps a cloned authenticator
    ALREADY_REGISTERED = "already_registered"


class PasskeyRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        super().__init__(f"{refusal.value}: {detail}")
        self.refusal = refusal
        self.detail = detail


@dataclass(frozen=True)
class NewCredential:
    credential_id: bytes
    public_key: bytes
    sign_count: int


def _user_handle(user: User) -> bytes:
    """The id the authenticator keeps for the person: stable, and no email address in it."""
    return salted_hmac("two_factor.passkey.user_handle", str(user.pk)).digest()


def _keep_challenge(
    request: HttpRequest, ceremony: Ceremony, challenge: bytes, user: User | None
) -> None:
    request.session[CHALLENGE_KEY] = {
        "ceremony": ceremony.value,
        "challenge": bytes_to_base64url(challenge),
        "user": user.pk if user is not None else None,
        "at": int(timezone.now().timestamp()),
    }


def challenge_take(request: HttpRequest, ceremony: Ceremony, user: User | None) -> bytes:
    """The challenge this session was given for `ceremony` and `user`, taken out so it works
    once; PasskeyRefused(EXPIRED) when there is none, it is another's, or it is too old."""
    kept = request.session.pop(CHALLENGE_KEY, None)
    if (
        not isinstance(kept, dict)
        or kept.get("ceremony") != ceremony.value
        or kept.get("user") != (user.pk if user is not None else None)
        or not isinstance(kept.get("at"), int)
        or timezone.now().timestamp() - kept["at"] > CEREMONY_SECONDS
    ):
        raise PasskeyRefused(Refusal.EXPIRED)
    return base64url_to_bytes(str(kept["challenge"]))


def registration_options(request: HttpRequest, *, user: User, existing: list[bytes]) -> str:
    """The JSON for navigator.credentials.create: a discoverable credential (so it can sign in
    without an email address), verified by the person (PIN, fingerprint or face), none of
    `existing` again."""
    options = generate_registration_options(
        rp_id=settings.PASSKEY_RP_ID,
        rp_name=settings.PASSKEY_RP_NAME,
        user_name=user.email,
        user_id=_user_handle(user),
        user_display_name=getattr(user, "full_name", "") or user.email,
        timeout=CEREMONY_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=each) for each in existing],
    )
    _keep_challenge(request, Ceremony.REGISTER, options.challenge, user)
    return options_to_json(options)


def registration_verify(*, credential: str, challenge: bytes) -> NewCredential:
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.PASSKEY_RP_ID,
            expected_origin=settings.PASSKEY_ORIGIN,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(Refusal.INVALID, str(error)) from error
    return NewCredential(
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options(
    request: HttpRequest, *, ceremony: Ceremony, user: User | None, allowed: list[bytes]
) -> str:
    """The JSON for navigator.credentials.get: `allowed` credentials (the person's, at the
    second step), or any discoverable one of this service's (signing in without a password),
    which must then verify the person, as it stands for both factors."""
    options = generate_authentication_options(
        rp_id=settings.PASSKEY_RP_ID,
        timeout=CEREMONY_SECONDS * 1000,
        allow_credentials=[PublicKeyCredentialDescriptor(id=each) for each in allowed],
        user_verification=UserVerificationRequirement.REQUIRED
        if ceremony is Ceremony.SIGN_IN
        else UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge(request, ceremony, options.challenge, user)
    return options_to_json(options)


def credential_id_of(credential: str) -> bytes:
    """The credential id a browser's answer names, before any check: what finds the passkey."""
    try:
        raw = json.loads(credential)["rawId"]
        return base64url_to_bytes(str(raw))
    except (ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(Refusal.INVALID, "no credential id") from error


def authentication_verify(
    *,
    credential: str,
    challenge: bytes,
    public_key: bytes,
    sign_count: int,
    user_verification_required: bool,
) -> int:
    """Check a browser's answer against the stored public key; the authenticator's new counter.
    A counter not above the stored one (when either is above 0) is PasskeyRefused(SIGN_COUNT)."""
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.PASSKEY_RP_ID,
            expected_origin=settings.PASSKEY_ORIGIN,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=user_verification_required,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        refusal = Refusal.SIGN_COUNT if "sign count" in str(error) else Refusal.INVALID
        raise PasskeyRefused(refusal, str(error)) from error
    return verified.new_sign_count
