"""Django itself: the apps, the middleware, the templates, language and time, static files and
background tasks."""

from config.settings.environment import BASE_DIR, DJANGO_ENV, IS_PRODUCTION

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
# The evidence storage is added by config/settings/evidence_files.py.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
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
