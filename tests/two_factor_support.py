"""Two-factor sign-in for tests: give someone an authenticator app, and read codes from it.

    secret = give_authenticator(user)          # set up through the real service
    client.post("/sign-in", {...password...})  # now held pending the second step
    client.post("/two-factor/sign-in", {"code": fresh_code(secret)})

fresh_code gives a code the service will accept now: one for the earliest time step within the
allowed drift that has not been used yet and will not leave it before the request is checked, so
a test can sign the same person in again at once (two or three times within 30 seconds)."""

from __future__ import annotations

import time

from django.utils import timezone

from two_factor import totp


def give_authenticator(user) -> str:
    """Set up an authenticator app for `user` through two_factor.services (audited, with
    recovery codes) and return its secret."""
    return give_authenticator_with_recovery_codes(user)[0]


def give_authenticator_with_recovery_codes(user) -> tuple[str, list[str]]:
    from two_factor.services import NewRecoveryCodes, authenticator_enrol

    secret = totp.secret_new()
    # Confirmed with the previous step's code (within the drift), leaving this step's and the next
    # one's for the test to sign in with; not in a step's last 5 seconds, as one taken then was
    # out of the drift by the time the service checked it under load, and refused as wrong.
    now = timezone.now()
    seconds_left = totp.INTERVAL_SECONDS - now.timestamp() % totp.INTERVAL_SECONDS
    if seconds_left < 5:
        time.sleep(seconds_left + 0.1)
    code = totp.code_at(secret, totp.current_step(timezone.now()) - totp.DRIFT_STEPS)
    result = authenticator_enrol(user=user, secret=secret, code=code, client="test")
    assert isinstance(result, NewRecoveryCodes), result
    return secret, result.codes


def _earliest_code(secret: str, *, after_step: int | None = None) -> str:
    now = timezone.now()
    now_step = totp.current_step(now)
    seconds_left = totp.INTERVAL_SECONDS - now.timestamp() % totp.INTERVAL_SECONDS
    first = now_step - totp.DRIFT_STEPS if seconds_left > 10 else now_step
    for step in range(first, now_step + totp.DRIFT_STEPS + 1):
        if after_step is None or step > after_step:
            return totp.code_at(secret, step)
    raise AssertionError("every code within the drift is used: wait 30 seconds")


def fresh_code(secret: str) -> str:
    """A code for `secret` that has not been used yet and is accepted now, and still when the
    request that sends it is checked: the step before this one only while this one has more
    than 10 seconds to run, since a step ending in between put it out of the drift (a test
    that failed now and then under load with the code refused)."""
    authenticator = _authenticator_with(secret)
    return _earliest_code(
        secret, after_step=authenticator.last_used_step if authenticator else None
    )


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
