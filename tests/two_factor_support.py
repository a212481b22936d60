"""Two-factor sign-in for tests: give someone an authenticator app, and read codes from it.

    secret = give_authenticator(user)          # set up through the real service
    client.post("/sign-in", {...password...})  # now held pending the second step
    client.post("/two-factor/sign-in", {"code": fresh_code(secret)})

fresh_code gives a code the service will accept now: one for the earliest time step within the
allowed drift that has not been used yet, so a test can sign the same person in again at once
(up to three times within 30 seconds)."""

from __future__ import annotations

from django.utils import timezone

from two_factor import totp


def give_authenticator(user) -> str:
    """Set up an authenticator app for `user` through two_factor.services (audited, with
    recovery codes) and return its secret."""
    from two_factor.services import NewRecoveryCodes, authenticator_enrol

    secret = totp.secret_new()
    # Confirmed with the previous step's code (within the drift), leaving this step's and the
    # next one's for the test to sign in with.
    code = totp.code_at(secret, totp.current_step(timezone.now()) - totp.DRIFT_STEPS)
    result = authenticator_enrol(user=user, secret=secret, code=code, client="test")
    assert isinstance(result, NewRecoveryCodes), result
    return secret


def give_authenticator_with_recovery_codes(user) -> tuple[str, list[str]]:
    from two_factor.services import NewRecoveryCodes, authenticator_enrol

    secret = totp.secret_new()
    # Confirmed with the previous step's code (within the drift), leaving this step's and the
    # next one's for the test to sign in with.
    code = totp.code_at(secret, totp.current_step(timezone.now()) - totp.DRIFT_STEPS)
    result = authenticator_enrol(user=user, secret=secret, code=code, client="test")
    assert isinstance(result, NewRecoveryCodes), result
    return secret, result.codes


def fresh_code(secret: str) -> str:
    """A code for `secret` that has not been used yet and is accepted now."""
    now_step = totp.current_step(timezone.now())
    authenticator = _authenticator_with(secret)
    last_used = authenticator.last_used_step if authenticator else None
    for step in range(now_step - totp.DRIFT_STEPS, now_step + totp.DRIFT_STEPS + 1):
        if last_used is None or step > last_used:
            return totp.code_at(secret, step)
    raise AssertionError("every code within the drift is used: wait 30 seconds")


def secret_of(email: str) -> str:
    """The secret of the authenticator app set up for this email address."""
    from two_factor.models import Authenticator
    from two_factor.secret_storage import authenticator_secret

    return authenticator_secret(Authenticator.objects.get(user__email=email))


def _authenticator_with(secret: str):
    """The authenticator holding `secret`, if one does. The column holds it encrypted (a new
    token each time), so it is found by decrypting each row, not by a query."""
    from two_factor.models import Authenticator
    from two_factor.secret_storage import authenticator_secret

    for authenticator in Authenticator.objects.all():
        if authenticator_secret(authenticator) == secret:
            return authenticator
    return None
