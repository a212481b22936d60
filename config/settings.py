"""Settings. Every setting comes from the environment; `.env.example` lists them all.

Defaults are safe for development: SQLite, local file storage and email to the console. An empty
variable means its default. Production sets DJANGO_ENV=production, which refuses the development
defaults it must not use. A value that is wrong stops start-up with a message naming the variable:
here where this module needs the value to build others, otherwise in `core/checks.py`.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_choice, env_database, env_int, env_list, env_path

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "test", "production"))
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=DJANGO_ENV == "development")
_DEV_SECRET = "development-only-secret-key-never-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", "" if IS_PRODUCTION else _DEV_SECRET)
if IS_PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "core",
    "accounts",
    "audit",
    "applications",
    "questionnaire",
    "workflow",
    "review",
    "attestations",
    "notifications",
    "evidence",
    "two_factor",
    "certificates",
    "ods",
    "nhs_numbers",
    "hazards",
    "dspt_register",
    "service_pages",
    "operations",
    "api",
    # django-ninja: in INSTALLED_APPS so its docs page uses its own bundled Swagger UI files
    # (served by whitenoise from this site), not a CDN the CSP would refuse (ADR 0024).
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every response, a redirect or an error page too, carries the request id (ADR 0040).
    "operations.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outside the middleware that may redirect (sign-in), so the progress bar never follows one.
    "core.upload_progress.UploadProgressMiddleware",
    "core.middleware.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionIdleRefreshMiddleware",
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Django's LoginRequiredMiddleware, which also keeps an answer posted after the session ended.
    "accounts.middleware.LoginRequiredKeepingAnswersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2_env.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.layout",
                "core.context_processors.csrf",
                "evidence.context_processors.malware_scanning",
                "accounts.context_processors.session_timeout",
                "certificates.context_processors.navigation",
            ],
        },
    },
    {
        # Django's own error pages and admin-free internals still need the DTL backend.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        engines={"django.db.backends.postgresql", "django.db.backends.sqlite3"},
        conn_max_age=60,
        # A kept connection is checked before a request reuses it, so the first request after
        # PostgreSQL restarted works instead of failing on the dead connection (issue 27,
        # ADR 0047; tests/faults/test_postgresql_restarted.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock when a transaction begins, not at its first write: a transaction
        # that read and then wrote would otherwise fail at once with "database is locked" when
        # another had written meanwhile. Writers now queue, for up to `timeout` seconds.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL lets pages read while someone writes; NORMAL is durable in WAL mode.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # Tests use a file, not the in-memory default: a live server's threads then each open their
    # own connection, so the tests see the locking a real server sees. One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"nir-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# An attestation request's link lasts this many days (ADR 0038); the lead can send a new one.
ATTESTATION_LINK_DAYS = env_int("ATTESTATION_LINK_DAYS", 14)

# The service pages (issue 26): where people write to, and how long what the privacy notice
# lists is kept before the daily `retention_apply` removes it.
SERVICE_CONTACT_EMAIL = env("SERVICE_CONTACT_EMAIL", "nir-onboarding@nhs.example")
RETENTION_FEEDBACK_DAYS = env_int("RETENTION_FEEDBACK_DAYS", 730)
RETENTION_SPENT_LINKS_DAYS = env_int("RETENTION_SPENT_LINKS_DAYS", 90)

# SESSION_COOKIE_AGE is the idle limit: a signed-in request saves the session (at most once a
# minute, accounts.middleware.SessionIdleRefreshMiddleware), which moves its expiry on, so a
# session ends after this many seconds without a request, not a fixed time after sign-in.
# Pages warn SESSION_TIMEOUT_WARNING seconds before (static/js/app.js).
# Caches (ADR 0027). "default" holds rendered fragments of pages (core.fragment_cache), keyed by
# everything they are made from: local memory in each process, the fastest there is, and emptied
# when the process restarts, as it is on each deploy. "sessions" is Redis at REDIS_URL, shared by
# every worker; production requires it. Sessions are kept in the database and read through that
# cache ("cached_db"): a request then reads its session without a query, and a lost cache loses
# no session. Without REDIS_URL (development, tests) sessions stay in the database alone: a
# local-memory cache is each process's own, so one gunicorn worker would go on believing in a
# session that another had ended at sign-out.
REDIS_URL = env("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 2000)},
    }
}
if REDIS_URL:
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "nir",
    }
    SESSION_ENGINE = "accounts.session_store"
    SESSION_CACHE_ALIAS = "sessions"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 1800)
SESSION_TIMEOUT_WARNING = env_int("SESSION_TIMEOUT_WARNING", 120)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a reverse proxy (load balancer, TLS terminator) the proxy's headers say whether the
# request came over HTTPS and who sent it. Trust them only when told there is such a proxy:
# otherwise any client could claim HTTPS, or another address, by sending the header itself.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
# How many proxies in front of the service append to X-Forwarded-For (accounts/client_address.py).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS: list[str] = []
# The health checks (/healthz liveness, /readyz readiness; ADR 0040) answer over plain HTTP too:
# a load balancer inside the network asks the server directly, without TLS, and must not be sent
# a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # security.W021 asks for the HSTS preload directive. It is off on purpose: the browsers'
        # preload list takes registrable domains only (nhs.uk, not a service's subdomain), so
        # preloading is decided once by the parent domain's owner; a service that sends
        # `preload` on its own gains nothing and commits the whole parent domain to HTTPS.
        # Set DJANGO_SECURE_HSTS_PRELOAD=true where the service owns its registrable domain.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# The JSON API (ADR 0024): requests each personal API token may make a minute.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 120)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# Static files. `make install` copies the NHS.UK frontend from node_modules into build/.
# The compiled CSS refers to /assets/..., so build/webroot (which holds assets/) is served at /.
STATIC_URL = "/static/"
# Only production collects static files; elsewhere WhiteNoise serves them from the finders.
STATIC_ROOT = BASE_DIR / "build" / "staticfiles" if IS_PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static", ("nhsuk", BASE_DIR / "build" / "nhsuk")]
WHITENOISE_ROOT = BASE_DIR / "build" / "webroot"
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env_path("MEDIA_ROOT", "var/media", base=BASE_DIR)

# The assurance pack's Ed25519 signing key (ADR 0026): PEM (PKCS #8), that PEM base64-encoded, or
# the raw 32-byte key base64-encoded. Required in production. Elsewhere, when empty, a
# development key is generated once into ASSURANCE_DEV_KEY_FILE and kept.
ASSURANCE_SIGNING_KEY = env("ASSURANCE_SIGNING_KEY", "")
ASSURANCE_DEV_KEY_FILE = env_path(
    "ASSURANCE_DEV_KEY_FILE", "var/dev-assurance-signing-key.pem", base=BASE_DIR
)

# Evidence (evidence/, README "Evidence"): uploads stream to a quarantine folder, are checked by
# content and scanned by clamd, and only then go to the "evidence" storage: the local file
# system under MEDIA_ROOT, or S3-compatible object storage (credentials from the environment,
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as boto3 reads them).
EVIDENCE_STORAGE = env_choice("EVIDENCE_STORAGE", "local", ("local", "s3"))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", "")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "")
STORAGES["evidence"] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": AWS_S3_REGION_NAME or None,
            "default_acl": None,
            "file_overwrite": True,
            "querystring_auth": True,
        },
    }
    if EVIDENCE_STORAGE == "s3"
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: evidence is never served as a static file, only through evidence:download.
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
)
# A file is accepted when it is smaller than this: a file of exactly this many bytes is refused.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 250 * 1024 * 1024)
EVIDENCE_QUARANTINE_DIR = env_path("EVIDENCE_QUARANTINE_DIR", "var/quarantine", base=BASE_DIR)
# A zip (DOCX and ODT are zips too) is refused beyond these, without being extracted.
EVIDENCE_ZIP_MAX_ENTRIES = env_int("EVIDENCE_ZIP_MAX_ENTRIES", 1000)
EVIDENCE_ZIP_MAX_UNCOMPRESSED = env_int("EVIDENCE_ZIP_MAX_UNCOMPRESSED", 1024 * 1024 * 1024)
EVIDENCE_ZIP_MAX_RATIO = env_int("EVIDENCE_ZIP_MAX_RATIO", 100)
# A file the scanner could not scan waits in quarantine; it is scanned again after this many
# seconds, then twice as long each time, and refused after EVIDENCE_SCAN_MAX_ATTEMPTS attempts.
EVIDENCE_SCAN_RETRY_SECONDS = env_int("EVIDENCE_SCAN_RETRY_SECONDS", 60)
EVIDENCE_SCAN_MAX_ATTEMPTS = env_int("EVIDENCE_SCAN_MAX_ATTEMPTS", 10)
# ClamAV's clamd: unix:///run/clamav/clamd.ctl or tcp://127.0.0.1:3310. Empty: files are not
# scanned (development only; production refuses to start without it).
CLAMD_ADDRESS = env("CLAMD_ADDRESS", "")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60)
# Whether a file never scanned (stored while no scanner was configured) counts as uploaded, for
# the pages and for the gates that wait for a file (stage 3 waits for question 15's): on in
# development and test, off in production, which refuses to start with it on (ADR 0030).
EVIDENCE_UNSCANNED_COUNTS = env_bool("EVIDENCE_UNSCANNED_COUNTS", default=not IS_PRODUCTION)
# Non-file form fields are read into memory up to this; files never are (evidence/upload.py
# streams them to the quarantine folder, and pages that take no file discard any file sent).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_HANDLERS = ["core.uploads.DiscardFileUploadHandler"]

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "nir-onboarding@example.nhs.uk")

# Where people reach the service: emails link to pages under it. Unset outside production, it is
# the address `make run` and `make serve` serve on, which follows PORT (issue 25): a link in an
# email printed to the console then opens the server that printed it.
SERVICE_URL = env(
    "SERVICE_URL", "" if IS_PRODUCTION else f"http://127.0.0.1:{env_int('PORT', 8000)}"
)

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

# Notifications (docs/notifications.md): `email` sends through EMAIL_BACKEND above, `notify`
# through GOV.UK Notify, whose template ids come from NOTIFY_TEMPLATE_<NAME> variables.
NOTIFICATIONS_BACKEND = env_choice("NOTIFICATIONS_BACKEND", "email", ("email", "notify"))
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5)
NOTIFICATIONS_RETRY_SECONDS = env_int("NOTIFICATIONS_RETRY_SECONDS", 60)
NOTIFY_API_KEY = env("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "") or "https://api.notifications.service.gov.uk"
NOTIFY_TEMPLATE_IDS = {
    name.removeprefix("NOTIFY_TEMPLATE_").lower(): value.strip()
    for name, value in os.environ.items()
    if name.startswith("NOTIFY_TEMPLATE_") and value.strip()
}

# Background tasks (django-tasks): queued in the database and run by `manage.py db_worker`
# (`make run` starts one); tests run them at once, in the process that enqueues them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if DJANGO_ENV == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}

# The questionnaire: which definition new applications answer, and the DSPT deadline.
QUESTIONNAIRE_DIR = env_path("QUESTIONNAIRE_DIR", "questionnaire/definitions", base=BASE_DIR)
QUESTIONNAIRE_CURRENT = env("QUESTIONNAIRE_CURRENT", "stage2-v1.yaml")
DSPT_PUBLICATION_DEADLINE = env("DSPT_PUBLICATION_DEADLINE", "06-30")
# The published target for a Stage 2 decision, in working days (ADR 0016).
REVIEW_TARGET_WORKING_DAYS = env_int("REVIEW_TARGET_WORKING_DAYS", 10)

# Operations (ADR 0040, README "Operations"). /metrics answers Prometheus with
# `Authorization: Bearer <METRICS_TOKEN>`; without a token it is not there (404) in production
# and open elsewhere. /readyz fails when a task has waited longer than TASK_WORKER_STALE_SECONDS
# for the worker.
METRICS_TOKEN = env("METRICS_TOKEN", "")
TASK_WORKER_STALE_SECONDS = env_int("TASK_WORKER_STALE_SECONDS", 300)
# gunicorn's workers add up their request metrics in PROMETHEUS_MULTIPROC_DIR, which
# prometheus_client reads itself and takes to be set when it is there at all: empty means unset.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

# Logs: one JSON object a line (production's default) or readable lines (elsewhere); every line
# carries its request's id (operations/logs.py).
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if IS_PRODUCTION else "console", ("json", "console"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "operations.logs.JsonFormatter"},
        "console": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# Error tracking with Sentry when SENTRY_DSN is set, personal data removed (operations/sentry.py).
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    from operations.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", DJANGO_ENV),
        release=env("SENTRY_RELEASE", ""),
    )
