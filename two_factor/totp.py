"""TOTP (RFC 6238) through pyotp, and the QR code an authenticator app scans.

Codes are 6 digits for 30-second time steps, the defaults every authenticator app reads. A code is
accepted for the step before and after the current one (clock drift on a phone), and only for a
step later than the last one accepted, so a code seen over someone's shoulder cannot be used
again."""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree import ElementTree

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "NHS England NIR onboarding"
DIGITS = 6
INTERVAL_SECONDS = 30
DRIFT_STEPS = 1
CODE_PATTERN = re.compile(r"^\d{6}$")


def secret_new() -> str:
    """A random base32 secret of 160 bits, as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def code_normalise(code: str) -> str:
    """What was typed, without the spaces and hyphens people copy from apps."""
    return re.sub(r"[\s-]", "", code)


def current_step(now: datetime) -> int:
    """The RFC 6238 time step at `now` (an aware datetime)."""
    return int(now.timestamp()) // INTERVAL_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS).generate_otp(step)


def matching_step(
    secret: str, code: str, *, now: datetime, after_step: int | None
) -> tuple[int | None, bool]:
    """The time step a code matches within the allowed drift, and whether it matched only a step
    already used (a replay). Compared in constant time."""
    step_now = current_step(now)
    replayed = False
    for step in range(step_now - DRIFT_STEPS, step_now + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(code_at(secret, step), code):
            if after_step is not None and step <= after_step:
                replayed = True
                continue
            return step, False
    return None, replayed


def provisioning_uri(secret: str, *, email: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str, *, label: str) -> str:
    """The QR code as inline SVG: drawn on the page itself, so no image is fetched from anywhere
    and the CSP needs nothing new (no style attributes either). White behind it, with the quiet
    zone, so apps read it on the page's grey."""
    image = qrcode.make(
        uri,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    element = image.get_image()
    element.set("role", "img")
    element.set("aria-label", label)
    element.set("width", "200")
    element.set("height", "200")
    element.set("class", "app-qr-code")
    return ElementTree.tostring(element, encoding="unicode")


def secret_for_reading(secret: str) -> str:
    """The secret in groups of 4, easier to type into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
