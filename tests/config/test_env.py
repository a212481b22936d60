"""Settings from the environment: an empty value means the default; a wrong one names itself."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_choice, env_database, env_int, env_list, env_path
from tests.config.support import REPOSITORY, python

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "database_engine": settings.DATABASES["default"]["ENGINE"],
    "database_name": str(settings.DATABASES["default"]["NAME"]),
    "media_root": str(settings.MEDIA_ROOT),
    "questionnaire_dir": str(settings.QUESTIONNAIRE_DIR),
    "session_cookie_age": settings.SESSION_COOKIE_AGE,
    "debug": settings.DEBUG,
    "service_url": settings.SERVICE_URL,
}))
"""


def example_values() -> dict[str, str]:
    """What `cp .env.example .env` puts in the environment."""
    values = {}
    for line in (REPOSITORY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name] = value
    return values


def settings_with(**variables: str) -> dict[str, object]:
    result = python(SHOW_SETTINGS, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_empty_database_url_means_the_sqlite_default():
    shown = settings_with(DATABASE_URL="")
    assert shown["database_engine"] == "django.db.backends.sqlite3"
    assert shown["database_name"] == str(REPOSITORY / "db.sqlite3")


def test_the_values_in_env_example_give_the_defaults_wherever_the_service_starts():
    values = example_values()
    assert values["DATABASE_URL"] == ""
    shown = settings_with(**values)
    assert shown == {
        "database_engine": "django.db.backends.sqlite3",
        "database_name": str(REPOSITORY / "db.sqlite3"),
        # .env.example's paths are relative: to the repository, not to where the service starts.
        "media_root": str(REPOSITORY / "var" / "media"),
        "questionnaire_dir": str(REPOSITORY / "questionnaire" / "definitions"),
        "session_cookie_age": 1800,
        "debug": True,
        "service_url": "http://127.0.0.1:8000",
    }


def test_a_database_url_given_is_used():
    shown = settings_with(DATABASE_URL="postgres://someone@db.example:5432/nir")
    assert shown["database_engine"] == "django.db.backends.postgresql"
    assert shown["database_name"] == "nir"


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_values_mean_the_default(monkeypatch, value):
    monkeypatch.setenv("SOME_SETTING", value)
    assert env("SOME_SETTING", "fallback") == "fallback"
    assert env_bool("SOME_SETTING", default=True) is True
    assert env_int("SOME_SETTING", 7) == 7
    assert env_list("SOME_SETTING", "a,b") == ["a", "b"]
    assert env_choice("SOME_SETTING", "red", ("red", "blue")) == "red"


def test_unset_values_mean_the_default(monkeypatch):
    monkeypatch.delenv("SOME_SETTING", raising=False)
    assert env("SOME_SETTING", "fallback") == "fallback"
    assert env_int("SOME_SETTING", 7) == 7


def test_values_given_are_used(monkeypatch):
    monkeypatch.setenv("SOME_SETTING", " 42 ")
    assert env("SOME_SETTING", "fallback") == "42"
    assert env_int("SOME_SETTING", 7) == 42
    monkeypatch.setenv("SOME_SETTING", "off")
    assert env_bool("SOME_SETTING", default=True) is False


def test_a_number_that_is_not_a_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_AGE", "an hour")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE must be a whole number"):
        env_int("SESSION_COOKIE_AGE", 3600)


def test_a_choice_outside_the_choices_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("DJANGO_ENV", "staging")
    with pytest.raises(ImproperlyConfigured) as error:
        env_choice("DJANGO_ENV", "development", ("development", "test", "production"))
    assert str(error.value) == ("DJANGO_ENV must be development, test or production, not 'staging'")


def test_a_relative_path_is_relative_to_the_base(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIA_ROOT", "./var/media")
    assert env_path("MEDIA_ROOT", "x", base=tmp_path) == tmp_path / "var" / "media"
    monkeypatch.setenv("MEDIA_ROOT", "/srv/media")
    assert env_path("MEDIA_ROOT", "x", base=tmp_path) == Path("/srv/media")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "DATABASE_URL is not a database URL that can be used: Scheme"),
        ("mysql://someone@db/nir", "DATABASE_URL must be for django.db.backends.sqlite3, not"),
    ],
)
def test_a_database_url_that_cannot_be_used_names_the_variable(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_database("DATABASE_URL", "sqlite:///x", engines={"django.db.backends.sqlite3"})


def test_a_database_url_error_never_shows_the_password(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone:hunter2-secret@db:port/nir")
    with pytest.raises(ImproperlyConfigured) as error:
        env_database("DATABASE_URL", "sqlite:///x", engines={"django.db.backends.postgresql"})
    assert "hunter2-secret" not in str(error.value)


def test_emails_link_to_the_port_the_development_server_serves_on():
    # `PORT=8601 make run` serves on 8601: the links in the emails it prints must open it.
    assert settings_with(PORT="8601")["service_url"] == "http://127.0.0.1:8601"
    assert settings_with()["service_url"] == "http://127.0.0.1:8000"
    given = settings_with(PORT="8601", SERVICE_URL="https://nir.example.nhs.uk")
    assert given["service_url"] == "https://nir.example.nhs.uk"
