"""A wrong setting stops the service as it starts, with a message naming the variable."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from core import checks
from tests.config.support import manage, python


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DSPT_PUBLICATION_DEADLINE", "13-45", "DSPT_PUBLICATION_DEADLINE: month must be 1 to 12"),
        ("DSPT_PUBLICATION_DEADLINE", "30 June", "DSPT_PUBLICATION_DEADLINE: expected a deadline"),
        ("SESSION_COOKIE_AGE", "an hour", "SESSION_COOKIE_AGE must be a whole number"),
        ("SESSION_COOKIE_AGE", "0", "SESSION_COOKIE_AGE: must be a positive number of seconds"),
        ("DJANGO_ENV", "staging", "DJANGO_ENV must be development, test or production"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL is not a database URL that can be used"),
        ("DATABASE_URL", "mysql://someone@db/nir", "DATABASE_URL must be for"),
        ("EMAIL_BACKEND", "no.such.Backend", "EMAIL_BACKEND: 'no.such.Backend' cannot be imported"),
        ("QUESTIONNAIRE_DIR", "/no/such/folder", "QUESTIONNAIRE_DIR names /no/such/folder"),
        ("QUESTIONNAIRE_CURRENT", "stage2-v9.yaml", "QUESTIONNAIRE_CURRENT names"),
        ("SESSION_TIMEOUT_WARNING", "1800", "SESSION_TIMEOUT_WARNING: must be more than 0"),
        ("DJANGO_PROXY_COUNT", "0", "DJANGO_PROXY_COUNT: must be 1 or more"),
        ("SERVICE_URL", "nir.example.nhs.uk", "SERVICE_URL: must be the address people reach"),
        ("DJANGO_PROXY_COUNT", "two", "DJANGO_PROXY_COUNT must be a whole number"),
        ("REDIS_URL", "127.0.0.1:6379", "REDIS_URL: must start redis://, rediss:// or unix://"),
        ("FRAGMENT_CACHE_ENTRIES", "0", "FRAGMENT_CACHE_ENTRIES: must be 1 or more"),
        ("METRICS_TOKEN", "short", "METRICS_TOKEN: must be at least 32 characters when set"),
        ("TASK_WORKER_STALE_SECONDS", "0", "TASK_WORKER_STALE_SECONDS: must be a positive"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be json or console"),
        (
            "TWO_FACTOR_ENCRYPTION_KEYS",
            "not-a-fernet-key",
            "TWO_FACTOR_ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key",
        ),
        # Sign-in through OpenID Connect (ADR 0042): a provider half configured is refused.
        (
            "OIDC_CIS2_DISCOVERY_URL",
            "https://cis2.example/.well-known/openid-configuration",
            "OIDC_CIS2_DISCOVERY_URL: CIS2 sign-in is half configured: set OIDC_CIS2_CLIENT_ID",
        ),
        (
            "OIDC_ENTRA_CLIENT_SECRET",
            "a-secret",
            "OIDC_ENTRA_DISCOVERY_URL: Entra ID sign-in is half configured: set "
            "OIDC_ENTRA_DISCOVERY_URL, OIDC_ENTRA_CLIENT_ID too",
        ),
        ("STAFF_SIGN_IN_PROVIDER", "entra", "STAFF_SIGN_IN_PROVIDER: is 'entra', but that"),
        ("OIDC_ENTRA_SCOPES", "profile email", "OIDC_ENTRA_SCOPES: must include openid"),
        ("STAFF_SIGN_IN_PROVIDER", "google", "STAFF_SIGN_IN_PROVIDER must be , cis2 or entra"),
        (
            "REVIEW_TARGET_WORKING_DAYS",
            "0",
            "REVIEW_TARGET_WORKING_DAYS: must be a positive number of working days",
        ),
    ],
)
def test_manage_py_check_refuses_a_wrong_setting_and_names_it(variable, value, message):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_manage_py_check_passes_on_the_defaults():
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_settings_checks_are_registered_with_django():
    with override_settings(DSPT_PUBLICATION_DEADLINE="02-30"):
        errors = run_checks(tags=[checks.TAG])
    assert [(e.id, e.msg) for e in errors] == [
        (
            "settings.DSPT_PUBLICATION_DEADLINE",
            "DSPT_PUBLICATION_DEADLINE: day 30 does not exist in month 2; "
            "give the yearly deadline as MM-DD, for example 06-30",
        )
    ]


def test_the_default_settings_pass_every_check():
    assert checks.check_settings() == []


@pytest.mark.parametrize("deadline", ["06-30", "02-29", "12-31", "1-1"])
def test_a_real_deadline_passes(deadline):
    with override_settings(DSPT_PUBLICATION_DEADLINE=deadline):
        assert checks.check_dspt_publication_deadline() is None


@pytest.mark.parametrize("deadline", ["13-45", "06-31", "June", ""])
def test_a_deadline_that_is_not_a_day_of_the_year_is_refused(deadline):
    with override_settings(DSPT_PUBLICATION_DEADLINE=deadline):
        assert "MM-DD" in checks.check_dspt_publication_deadline()


@pytest.mark.parametrize(("age", "refused"), [(3600, False), (1, False), (0, True), (-5, True)])
def test_the_session_age_must_be_positive(age, refused):
    with override_settings(SESSION_COOKIE_AGE=age):
        assert (checks.check_session_cookie_age() is not None) is refused


@pytest.mark.parametrize(
    ("warning", "refused"), [(120, False), (1799, False), (0, True), (1800, True), (-1, True)]
)
def test_the_timeout_warning_comes_before_the_idle_limit(warning, refused):
    with override_settings(SESSION_COOKIE_AGE=1800, SESSION_TIMEOUT_WARNING=warning):
        assert (checks.check_session_timeout_warning() is not None) is refused


@pytest.mark.parametrize(
    ("url", "production", "refused"),
    [
        ("http://127.0.0.1:8000", False, False),
        ("https://nir.example.nhs.uk", True, False),
        ("http://nir.example.nhs.uk", True, True),
        ("/relative", False, True),
    ],
)
def test_the_service_url_is_an_address_and_https_in_production(url, production, refused):
    with override_settings(SERVICE_URL=url, IS_PRODUCTION=production):
        assert (checks.check_service_url() is not None) is refused


def test_the_questionnaire_folder_must_exist(tmp_path):
    with override_settings(QUESTIONNAIRE_DIR=tmp_path):
        assert checks.check_questionnaire_dir() is None
    with override_settings(QUESTIONNAIRE_DIR=tmp_path / "missing"):
        assert checks.check_questionnaire_dir() == f"{tmp_path / 'missing'} is not a folder"


def test_the_current_questionnaire_must_exist(tmp_path):
    (tmp_path / "v1.yaml").write_text("id: x")
    with override_settings(QUESTIONNAIRE_DIR=tmp_path, QUESTIONNAIRE_CURRENT="v1.yaml"):
        assert checks.check_questionnaire_current() is None
    with override_settings(QUESTIONNAIRE_DIR=tmp_path, QUESTIONNAIRE_CURRENT="v2.yaml"):
        assert checks.check_questionnaire_current() == f"{tmp_path / 'v2.yaml'} does not exist"


def test_the_email_backend_must_be_importable():
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        assert checks.check_email_backend() is None
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.carrier_pigeon.EmailBackend"):
        assert "cannot be imported" in checks.check_email_backend()


def test_a_new_check_is_one_function(monkeypatch):
    monkeypatch.setattr(checks, "_CHECKS", list(checks._CHECKS))

    @checks.setting_check("SOME_NEW_SETTING")
    def check_some_new_setting():
        return "is wrong"

    assert [e.msg for e in checks.check_settings()] == ["SOME_NEW_SETTING: is wrong"]


def test_a_wsgi_server_refuses_to_start_on_a_wrong_setting():
    # A WSGI server runs no system checks of its own.
    result = python("import config.wsgi", DSPT_PUBLICATION_DEADLINE="13-45")
    assert result.returncode != 0
    assert "DSPT_PUBLICATION_DEADLINE: month must be 1 to 12" in result.stderr
    assert python("import config.wsgi").returncode == 0


def test_production_needs_the_redis_cache_for_sessions(settings):
    """Every gunicorn worker must read the same sessions (ADR 0027): production refuses to start
    without REDIS_URL; development and tests keep sessions in the database alone."""
    settings.IS_PRODUCTION = True
    settings.REDIS_URL = ""
    assert "must be set in production" in checks.check_redis_url()
    settings.REDIS_URL = "rediss://cache.internal:6380/0"
    assert checks.check_redis_url() is None
    settings.IS_PRODUCTION = False
    settings.REDIS_URL = ""
    assert checks.check_redis_url() is None
