"""Two-factor sign-in's URLs in the authorisation matrix: an authenticator app, recovery codes
and passkeys.
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import APPLICANT, EVERYONE, SIGNED_IN

TWO_FACTOR = {
    "two_factor:status": ("/two-factor", ["GET"], SIGNED_IN, False),
    # Set up by the signed-in, or by staff pending their required set-up (the anonymous are
    # sent to sign in).
    "two_factor:set_up": ("/two-factor/set-up", ["GET", "POST"], SIGNED_IN, False),
    # A new app, for someone who has one: a code from it or a recovery code first.
    "two_factor:replace_confirm": ("/two-factor/set-up/confirm", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:replace_confirm_recovery_code": (
        "/two-factor/set-up/confirm/recovery-code",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "two_factor:recovery_codes": ("/two-factor/recovery-codes", ["GET"], SIGNED_IN, False),
    "two_factor:recovery_codes_new": (
        "/two-factor/recovery-codes/new",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    # Staff must keep two-factor sign-in: turning it off is a 404 to them.
    "two_factor:turn_off": (
        "/two-factor/turn-off",
        ["GET", "POST"],
        APPLICANT | {"member_b"},
        False,
    ),
    # The sign-in's second step: open to all, and sends anyone not pending back to sign in.
    "two_factor:sign_in": ("/two-factor/sign-in", ["GET", "POST"], EVERYONE, True),
    # Passkeys (ADR 0043): the second step with one, signing in with one alone, and adding and
    # removing one's own (the passkey named in the form or query; anyone else's is not found).
    "two_factor:sign_in_passkey": ("/two-factor/sign-in/passkey", ["GET", "POST"], EVERYONE, True),
    "two_factor:passkey_sign_in": ("/sign-in/passkey", ["GET", "POST"], EVERYONE, True),
    "two_factor:passkey_add": ("/account/passkeys/add", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:passkey_remove": ("/account/passkeys/remove", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:passkeys_confirm": ("/account/passkeys/confirm", ["GET", "POST"], SIGNED_IN, False),
    "two_factor:passkeys_confirm_passkey": (
        "/account/passkeys/confirm/passkey",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "two_factor:passkeys_confirm_recovery_code": (
        "/account/passkeys/confirm/recovery-code",
        ["GET", "POST"],
        SIGNED_IN,
        False,
    ),
    "two_factor:sign_in_recovery_code": (
        "/two-factor/sign-in/recovery-code",
        ["GET", "POST"],
        EVERYONE,
        True,
    ),
}
