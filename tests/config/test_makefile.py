"""The Makefile reads .env, but a variable from the environment or the command line wins."""

import shutil
import subprocess

import pytest

from tests.config.support import REPOSITORY, clean_environment

SHOW = 'show: ; @echo "port=$$PORT url=$$DATABASE_URL key=$$DJANGO_SECRET_KEY"'


@pytest.fixture
def project(tmp_path):
    shutil.copy(REPOSITORY / "Makefile", tmp_path / "Makefile")
    return tmp_path


def make(project, *arguments, **variables):
    environment = clean_environment(**variables)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # when the suite itself runs under make
        environment.pop(name, None)
    result = subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_dotenv_sets_what_the_environment_does_not(project):
    (project / ".env").write_text("PORT=8123\nDATABASE_URL=sqlite:///from-dotenv\n")
    assert make(project, "-s", "--eval", SHOW, "show").split()[:2] == [
        "port=8123",
        "url=sqlite:///from-dotenv",
    ]


def test_the_environment_wins_over_dotenv(project):
    (project / ".env").write_text("PORT=8000\nDATABASE_URL=sqlite:///from-dotenv\n")
    shown = make(project, "-s", "--eval", SHOW, "show", PORT="8601", DATABASE_URL="postgres://x/y")
    assert shown.split()[:2] == ["port=8601", "url=postgres://x/y"]
    assert "runserver 127.0.0.1:8601" in make(project, "-n", "run", PORT="8601")


def test_the_command_line_wins_over_dotenv(project):
    (project / ".env").write_text("PORT=8000\n")
    assert "runserver 127.0.0.1:8602" in make(project, "-n", "run", "PORT=8602")


def test_dotenv_values_are_taken_literally(project):
    (project / ".env").write_text("# DJANGO_SECRET_KEY=commented\nDJANGO_SECRET_KEY=a$b c#d'e\n")
    assert make(project, "-s", "--eval", SHOW, "show").rstrip("\n").endswith("key=a$b c#d'e")


@pytest.mark.parametrize("dotenv", [None, "PORT=\n"])
def test_no_port_or_an_empty_one_means_8000(project, dotenv):
    if dotenv is not None:
        (project / ".env").write_text(dotenv)
    assert "runserver 127.0.0.1:8000" in make(project, "-n", "run")


def test_the_env_example_copied_to_dotenv_keeps_the_port_given_in_the_environment(project):
    shutil.copy(REPOSITORY / ".env.example", project / ".env")
    assert "runserver 127.0.0.1:8601" in make(project, "-n", "run", PORT="8601")
