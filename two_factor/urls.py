from django.urls import path

from . import passkey_views, replace_views, views

app_name = "two_factor"
urlpatterns = [
    path("two-factor", views.status, name="status"),
    path("two-factor/set-up", views.set_up, name="set_up"),
    path("two-factor/set-up/confirm", replace_views.replace_confirm, name="replace_confirm"),
    path(
        "two-factor/set-up/confirm/recovery-code",
        replace_views.replace_confirm_recovery_code,
        name="replace_confirm_recovery_code",
    ),
    path("two-factor/recovery-codes", views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes/new", views.recovery_codes_new, name="recovery_codes_new"),
    path("two-factor/turn-off", views.turn_off, name="turn_off"),
    path("two-factor/sign-in", views.sign_in_code, name="sign_in"),
    path(
        "two-factor/sign-in/recovery-code",
        views.sign_in_recovery_code,
        name="sign_in_recovery_code",
    ),
    # Passkeys (ADR 0043).
    path("two-factor/sign-in/passkey", passkey_views.sign_in_passkey, name="sign_in_passkey"),
    path("sign-in/passkey", passkey_views.passkey_sign_in, name="passkey_sign_in"),
    path("account/passkeys/add", passkey_views.passkey_add_page, name="passkey_add"),
    path("account/passkeys/remove", passkey_views.passkey_remove_page, name="passkey_remove"),
    path("account/passkeys/confirm", passkey_views.passkeys_confirm, name="passkeys_confirm"),
    path(
        "account/passkeys/confirm/recovery-code",
        passkey_views.passkeys_confirm_recovery_code,
        name="passkeys_confirm_recovery_code",
    ),
    path(
        "account/passkeys/confirm/passkey",
        passkey_views.passkeys_confirm_passkey,
        name="passkeys_confirm_passkey",
    ),
]
