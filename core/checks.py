"""Start-up checks of the settings, each naming the environment variable to put right.

`manage.py check`, `runserver`, `migrate` and the test runner run Django's system checks; a WSGI
server does not, so `config/wsgi.py` runs these itself. A wrong value therefore stops the service
as it starts, never on some applicant's request.

To check another setting, add one function decorated with `@setting_check("VARIABLE")` that
returns what is wrong, in words, or None when the setting is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

from core.fernet_keys import MAKE_ONE, EncryptionKeyError, parse_fernet_keys
from core.signing import PackKeyError, parse_private_key
from questionnaire.engine.dspt import MonthDay

TAG = "settings"

Problem = str | None
_CHECKS: list[tuple[str, Callable[[], Problem]]] = []


def setting_check(variable: str) -> Callable[[Callable[[], Problem]], Callable[[], Problem]]:
    def register(check: Callable[[], Problem]) -> Callable[[], Problem]:
        _CHECKS.append((variable, check))
        return check

    return register


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The Django system check: one error per variable whose value is wrong."""
    errors: list[CheckMessage] = []
    for variable, check in _CHECKS:
        problem = check()
        if problem:
            errors.append(Error(f"{variable}: {problem}", id=f"settings.{variable}"))
    return errors


def setting_problems() -> Iterable[str]:
    return [str(error.msg) for error in check_settings()]


@setting_check("DSPT_PUBLICATION_DEADLINE")
def check_dspt_publication_deadline() -> Problem:
    try:
        MonthDay.parse(settings.DSPT_PUBLICATION_DEADLINE)
    except ValueError as exc:
        return f"{exc}; give the yearly deadline as MM-DD, for example 06-30"
    return None


@setting_check("SESSION_COOKIE_AGE")
def check_session_cookie_age() -> Problem:
    if settings.SESSION_COOKIE_AGE < 1:
        return f"must be a positive number of seconds, not {settings.SESSION_COOKIE_AGE}"
    return None


@setting_check("INVITATION_DAYS")
def check_invitation_days() -> Problem:
    if settings.INVITATION_DAYS < 1:
        return f"must be a positive number of days, not {settings.INVITATION_DAYS}"
    return None


@setting_check("API_REQUESTS_PER_MINUTE")
def check_api_requests_per_minute() -> Problem:
    if settings.API_REQUESTS_PER_MINUTE < 1:
        return f"must be a positive number of requests, not {settings.API_REQUESTS_PER_MINUTE}"
    return None


@setting_check("REVIEW_TARGET_WORKING_DAYS")
def check_review_target_working_days() -> Problem:
    if settings.REVIEW_TARGET_WORKING_DAYS < 1:
        return (
            f"must be a positive number of working days, not {settings.REVIEW_TARGET_WORKING_DAYS}"
        )
    return None


@setting_check("PASSWORD_RESET_MINUTES")
def check_password_reset_minutes() -> Problem:
    if settings.PASSWORD_RESET_MINUTES < 1:
        return f"must be a positive number of minutes, not {settings.PASSWORD_RESET_MINUTES}"
    return None


@setting_check("QUESTIONNAIRE_DIR")
def check_questionnaire_dir() -> Problem:
    if not settings.QUESTIONNAIRE_DIR.is_dir():
        return f"{settings.QUESTIONNAIRE_DIR} is not a folder"
    return None


@setting_check("QUESTIONNAIRE_CURRENT")
def check_questionnaire_current() -> Problem:
    current = settings.QUESTIONNAIRE_DIR / settings.QUESTIONNAIRE_CURRENT
    if not current.is_file():
        return f"{current} does not exist"
    return None


@setting_check("EMAIL_BACKEND")
def check_email_backend() -> Problem:
    try:
        import_string(settings.EMAIL_BACKEND)
    except ImportError as exc:
        return f"{settings.EMAIL_BACKEND!r} cannot be imported ({exc})"
    return None


@setting_check("SESSION_TIMEOUT_WARNING")
def check_session_timeout_warning() -> Problem:
    warning = settings.SESSION_TIMEOUT_WARNING
    if not 0 < warning < settings.SESSION_COOKIE_AGE:
        return (
            f"must be more than 0 and less than SESSION_COOKIE_AGE "
            f"({settings.SESSION_COOKIE_AGE}), not {warning}"
        )
    return None


@setting_check("DJANGO_PROXY_COUNT")
def check_proxy_count() -> Problem:
    if settings.PROXY_COUNT < 1:
        return f"must be 1 or more, not {settings.PROXY_COUNT}"
    return None


@setting_check("METRICS_TOKEN")
def check_metrics_token() -> Problem:
    # Compared in constant time, but a short token can still be guessed (ADR 0040).
    if settings.METRICS_TOKEN and len(settings.METRICS_TOKEN) < 32:
        return "must be at least 32 characters when set, e.g. `openssl rand -hex 32`"
    return None


@setting_check("TASK_WORKER_STALE_SECONDS")
def check_task_worker_stale_seconds() -> Problem:
    if settings.TASK_WORKER_STALE_SECONDS < 1:
        return f"must be a positive number of seconds, not {settings.TASK_WORKER_STALE_SECONDS}"
    return None


@setting_check("SERVICE_URL")
def check_service_url() -> Problem:
    from urllib.parse import urlsplit

    url = urlsplit(settings.SERVICE_URL)
    if url.scheme not in ("http", "https") or not url.netloc:
        return (
            "must be the address people reach the service at, such as "
            f"https://nir.example.nhs.uk, not {settings.SERVICE_URL!r}"
        )
    if settings.IS_PRODUCTION and url.scheme != "https":
        return "must be an https address in production"
    return None


@setting_check("ASSURANCE_SIGNING_KEY")
def check_assurance_signing_key() -> Problem:
    if not settings.ASSURANCE_SIGNING_KEY:
        if settings.IS_PRODUCTION:
            return "must be set in production: the Ed25519 key that signs assurance packs"
        return None
    try:
        parse_private_key(settings.ASSURANCE_SIGNING_KEY)
    except PackKeyError as exc:
        return str(exc)
    return None


@setting_check("TWO_FACTOR_ENCRYPTION_KEYS")
def check_two_factor_encryption_keys() -> Problem:
    if not settings.TWO_FACTOR_ENCRYPTION_KEYS:
        if settings.IS_PRODUCTION:
            return (
                "must be set in production: the Fernet keys, newest first, that encrypt the "
                f"two-factor secrets at rest; make one with {MAKE_ONE}"
            )
        return None
    try:
        parse_fernet_keys(settings.TWO_FACTOR_ENCRYPTION_KEYS)
    except EncryptionKeyError as exc:
        return str(exc)
    return None


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@setting_check("REDIS_URL")
def check_redis_url() -> Problem:
    if not settings.REDIS_URL:
        if settings.IS_PRODUCTION:
            return (
                "must be set in production: every worker reads sessions through this cache "
                "(redis://host:6379/0)"
            )
        return None
    if not settings.REDIS_URL.startswith(REDIS_SCHEMES):
        return "must start redis://, rediss:// or unix://"
    return None


@setting_check("FRAGMENT_CACHE_ENTRIES")
def check_fragment_cache_entries() -> Problem:
    if settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] < 1:
        return "must be 1 or more"
    return None


def _oidc_half_configured(provider: str, required: dict[str, str]) -> Problem:
    """A provider is off with none of its settings, on with all: a half-configured one would
    offer a sign-in button that cannot work, so it is refused at start-up."""
    given = [name for name, value in required.items() if value]
    if given and len(given) < len(required):
        missing = [name for name in required if name not in given]
        return (
            f"{provider} sign-in is half configured: set {', '.join(missing)} too, "
            f"or leave {', '.join(given)} empty"
        )
    return None


@setting_check("OIDC_CIS2_DISCOVERY_URL")
def check_oidc_cis2() -> Problem:
    problem = _oidc_half_configured(
        "CIS2",
        {
            "OIDC_CIS2_DISCOVERY_URL": settings.OIDC_CIS2_DISCOVERY_URL,
            "OIDC_CIS2_CLIENT_ID": settings.OIDC_CIS2_CLIENT_ID,
            "OIDC_CIS2_PRIVATE_KEY or OIDC_CIS2_PRIVATE_KEY_FILE": (
                settings.OIDC_CIS2_PRIVATE_KEY or settings.OIDC_CIS2_PRIVATE_KEY_FILE
            ),
            "OIDC_CIS2_KEY_ID": settings.OIDC_CIS2_KEY_ID,
        },
    )
    if problem:
        return problem
    if settings.OIDC_CIS2_PRIVATE_KEY and settings.OIDC_CIS2_PRIVATE_KEY_FILE:
        return "set OIDC_CIS2_PRIVATE_KEY or OIDC_CIS2_PRIVATE_KEY_FILE, not both"
    if not 1 <= settings.OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL <= 3:
        return "OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL must be 1, 2 or 3"
    return _oidc_https("OIDC_CIS2_DISCOVERY_URL", settings.OIDC_CIS2_DISCOVERY_URL)


@setting_check("OIDC_ENTRA_DISCOVERY_URL")
def check_oidc_entra() -> Problem:
    return _oidc_half_configured(
        "Entra ID",
        {
            "OIDC_ENTRA_DISCOVERY_URL": settings.OIDC_ENTRA_DISCOVERY_URL,
            "OIDC_ENTRA_CLIENT_ID": settings.OIDC_ENTRA_CLIENT_ID,
            "OIDC_ENTRA_CLIENT_SECRET": settings.OIDC_ENTRA_CLIENT_SECRET,
        },
    ) or _oidc_https("OIDC_ENTRA_DISCOVERY_URL", settings.OIDC_ENTRA_DISCOVERY_URL)


def _oidc_https(variable: str, url: str) -> Problem:
    if url and settings.IS_PRODUCTION and not url.startswith("https://"):
        return f"{variable} must be an https address in production"
    return None


@setting_check("OIDC_CIS2_SCOPES")
def check_oidc_cis2_scopes() -> Problem:
    return _oidc_openid_scope(settings.OIDC_CIS2_SCOPES)


@setting_check("OIDC_ENTRA_SCOPES")
def check_oidc_entra_scopes() -> Problem:
    return _oidc_openid_scope(settings.OIDC_ENTRA_SCOPES)


def _oidc_openid_scope(scopes: str) -> Problem:
    # Without `openid` a provider gives no ID token, and nobody could sign in.
    if "openid" not in scopes.split():
        return f"must include openid (with email and profile), not {scopes!r}"
    return None


@setting_check("STAFF_SIGN_IN_PROVIDER")
def check_staff_sign_in_provider() -> Problem:
    discovery = {
        "cis2": settings.OIDC_CIS2_DISCOVERY_URL,
        "entra": settings.OIDC_ENTRA_DISCOVERY_URL,
    }
    provider = settings.STAFF_SIGN_IN_PROVIDER
    if provider and not discovery[provider]:
        return (
            f"is {provider!r}, but that provider is not configured: set "
            f"OIDC_{provider.upper()}_DISCOVERY_URL and its client, or leave this empty"
        )
    return None
