"""Device cookies (OWASP "Slow down online guessing attacks with device cookies").

A browser that has signed in successfully as an address holds a signed cookie naming that
address (as a keyed hash) and a random device id. Failed attempts by a browser holding a valid
cookie for the address count against that device only, so a stranger who guesses at an address
cannot lock its owner out of the computer they always use."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

COOKIE_NAME = "nir_device"
COOKIE_AGE = timedelta(days=365)
_SALT = "accounts.device_cookies"


def address_hash(email: str) -> str:
    return salted_hmac(_SALT, email).hexdigest()


def device_cookie_issue(response: HttpResponse, *, email: str) -> None:
    """Give this browser a new device cookie for the address it has just signed in as."""
    value = signing.dumps(
        {"address": address_hash(email), "device": secrets.token_urlsafe(16)}, salt=_SALT
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _payload(request: HttpRequest) -> dict[str, str] | None:
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        payload = signing.loads(raw, salt=_SALT, max_age=COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    address, device = payload.get("address"), payload.get("device")
    if not (isinstance(address, str) and isinstance(device, str) and address and device):
        return None
    return {"address": address, "device": device}


def device_for(request: HttpRequest, *, email: str) -> str | None:
    """The id of this browser's device cookie when it is valid for this address, else None."""
    payload = _payload(request)
    if payload is None or payload["address"] != address_hash(email):
        return None
    return payload["device"]


def last_signed_in_address(request: HttpRequest) -> str | None:
    """The keyed hash of the address this browser last signed in as, if it says so validly."""
    payload = _payload(request)
    return payload["address"] if payload else None
