"""Signing in: accounts and passwords, two-factor sign-in, passkeys, the OpenID Connect providers
(CIS2 and Entra ID) and the single-use links that invite people and reset passwords."""

from urllib.parse import urlsplit

from config.env import env, env_bool, env_choice, env_int, env_list, env_path
from config.settings.environment import BASE_DIR, SERVICE_URL

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UserWithMembershipBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "applications:list"
# Two-factor sign-in (two_factor/, ADR 0010): always required for NHS England staff; on, it is
# required for everyone, applicants included, who otherwise may set it up later.
TWO_FACTOR_REQUIRED_FOR_ALL = env_bool("TWO_FACTOR_REQUIRED_FOR_ALL", default=False)
# Sign-in through OpenID Connect (accounts/oidc.py, ADR 0042): NHS Care Identity Service 2
# (CIS2) and Microsoft Entra ID, each off until its discovery URL and client are set. A person
# signs in through one only to an account already invited with the same email address.
OIDC_CIS2_DISCOVERY_URL = env("OIDC_CIS2_DISCOVERY_URL", "")
OIDC_CIS2_CLIENT_ID = env("OIDC_CIS2_CLIENT_ID", "")
# CIS2 authenticates the service by a JWT signed with this private key (private_key_jwt): the
# PEM itself, or a file holding it; the key id is the `kid` of its public key registered with CIS2.
OIDC_CIS2_PRIVATE_KEY = env("OIDC_CIS2_PRIVATE_KEY", "")
OIDC_CIS2_PRIVATE_KEY_FILE = env("OIDC_CIS2_PRIVATE_KEY_FILE", "")
OIDC_CIS2_KEY_ID = env("OIDC_CIS2_KEY_ID", "")
OIDC_CIS2_SCOPES = env("OIDC_CIS2_SCOPES", "openid profile email")
# The lowest authentication assurance level (AAL) CIS2 must have checked: 3 is a smartcard or
# another second factor, as NHS staff use.
OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL = env_int("OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL", 3)
OIDC_ENTRA_DISCOVERY_URL = env("OIDC_ENTRA_DISCOVERY_URL", "")
OIDC_ENTRA_CLIENT_ID = env("OIDC_ENTRA_CLIENT_ID", "")
OIDC_ENTRA_CLIENT_SECRET = env("OIDC_ENTRA_CLIENT_SECRET", "")
OIDC_ENTRA_SCOPES = env("OIDC_ENTRA_SCOPES", "openid profile email")
# Entra ID sign-in is refused unless its token's `amr` says a second factor was used ("mfa"):
# the provider's sign-in stands for this service's own second factor (ADR 0042).
OIDC_ENTRA_REQUIRE_MFA = env_bool("OIDC_ENTRA_REQUIRE_MFA", default=True)
# Seconds to wait for a provider before telling the person it is not working.
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
# "cis2" or "entra": reviewers and administrators must sign in through that provider, and their
# password sign-in is refused. Empty: they may use either way.
STAFF_SIGN_IN_PROVIDER = env_choice("STAFF_SIGN_IN_PROVIDER", "", ("", "cis2", "entra"))
# The TOTP secrets are encrypted at rest (two_factor/secret_storage.py) with these Fernet keys,
# comma-separated, newest first: the first encrypts, any decrypts, and
# `manage.py two_factor_rotate_key` re-encrypts every secret with the first. Required in
# production. Elsewhere, when empty, a development key is generated once into
# TWO_FACTOR_DEV_KEY_FILE and kept.
TWO_FACTOR_ENCRYPTION_KEYS = env_list("TWO_FACTOR_ENCRYPTION_KEYS", "")
TWO_FACTOR_DEV_KEY_FILE = env_path(
    "TWO_FACTOR_DEV_KEY_FILE", "var/dev-two-factor-encryption-key", base=BASE_DIR
)
# Single-use links (ADR 0011): an invitation lasts this many days, a password reset link this
# many minutes. Only each link's SHA-256 is stored.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
PASSWORD_RESET_MINUTES = env_int("PASSWORD_RESET_MINUTES", 60)

# Passkeys (WebAuthn, ADR 0043): the relying party's id is the host people reach the service at,
# and the origin its scheme, host and port, both from SERVICE_URL unless set. Browsers refuse an
# IP address as the id: to use passkeys in development open http://localhost:$PORT and set
# SERVICE_URL to it (or PASSKEY_RP_ID=localhost and PASSKEY_ORIGIN=http://localhost:$PORT).
_SERVICE = urlsplit(SERVICE_URL)
PASSKEY_RP_ID = env("PASSKEY_RP_ID", _SERVICE.hostname or "")
PASSKEY_ORIGIN = env(
    "PASSKEY_ORIGIN", f"{_SERVICE.scheme}://{_SERVICE.netloc}" if _SERVICE.netloc else ""
)
PASSKEY_RP_NAME = env("PASSKEY_RP_NAME", "NIR onboarding")
