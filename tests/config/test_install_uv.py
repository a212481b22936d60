"""`make uv` installs uv with Debian's system Python, which refuses `pip install --user`."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.config.support import REPOSITORY
from tests.conftest import missing_prerequisite

SYSTEM_PYTHON = Path("/usr/bin/python3")
INSTALL_UV = REPOSITORY / "scripts" / "install-uv"
UV_VERSION = "0.13.9"

pytestmark = pytest.mark.integration


@pytest.fixture
def bin_dir(tmp_path):
    """A PATH entry, searched first, on which `python3` is Debian's system Python and uv is not."""
    if not SYSTEM_PYTHON.exists():
        missing_prerequisite(f"Debian's system Python is not at {SYSTEM_PYTHON}")
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python3").symlink_to(SYSTEM_PYTHON)
    return folder


def fake(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/bash\n" + script)
    path.chmod(0o755)


def install_uv(bin_dir: Path, target: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }
    result = subprocess.run(
        [str(INSTALL_UV), str(target), UV_VERSION],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result


def test_uv_installs_with_the_system_python_where_pip_user_is_refused(bin_dir, tmp_path):
    refused = subprocess.run(
        [str(bin_dir / "python3"), "-m", "pip", "install", "--user", "--dry-run", "uv"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stderr

    result = install_uv(bin_dir, tmp_path / ".tools" / "uv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"uv {UV_VERSION} ")
    version = subprocess.run(
        [str(tmp_path / ".tools" / "uv" / "bin" / "uv"), "--version"],
        capture_output=True,
        text=True,
    )
    assert version.stdout.startswith(f"uv {UV_VERSION} ")


def test_without_the_venv_module_root_installs_python3_venv_with_apt(bin_dir, tmp_path):
    installed = tmp_path / "python3-venv-installed"
    fake(bin_dir, "id", "echo 0\n")
    fake(
        bin_dir,
        "apt-get",
        f'echo "$*" >> {tmp_path}/apt-get.log\n[[ $* == install* ]] && touch {installed}\ntrue\n',
    )
    # Debian's python3 without python3-venv: `-m venv` fails until the package is installed; then
    # it makes a stand-in environment (the real install is the test above).
    (bin_dir / "python3").unlink()
    fake(
        bin_dir,
        "python3",
        f"[[ -e {installed} ]] || exit 1\n"
        'mkdir -p "$3/bin"\n'
        'printf "#!/bin/bash\\necho \\"pip \\$*\\" >> $3/pip.log\\n" > "$3/bin/python"\n'
        'printf "#!/bin/bash\\necho uv 0.0.0\\n" > "$3/bin/uv"\n'
        'chmod +x "$3/bin/python" "$3/bin/uv"\n',
    )

    target = tmp_path / ".tools" / "uv"
    result = install_uv(bin_dir, target)
    assert result.returncode == 0, result.stderr
    assert "installing Debian's python3-venv" in result.stderr
    assert (tmp_path / "apt-get.log").read_text().splitlines() == [
        "update -qq",
        "install -y -qq python3-venv",
    ]
    assert (target / "pip.log").read_text() == (
        f"pip -m pip install --quiet --disable-pip-version-check uv=={UV_VERSION}\n"
    )
    assert result.stdout == "uv 0.0.0\n"


def test_without_the_venv_module_and_not_root_it_says_what_to_install(bin_dir, tmp_path):
    fake(bin_dir, "id", "echo 1000\n")
    (bin_dir / "python3").unlink()
    fake(bin_dir, "python3", "exit 1\n")

    result = install_uv(bin_dir, tmp_path / ".tools" / "uv")
    assert result.returncode == 1
    assert "sudo apt-get install python3-venv" in result.stderr
    assert not (tmp_path / ".tools" / "uv").exists()


def test_the_makefile_pins_the_version_tested_here():
    assert f"UV_VERSION := {UV_VERSION}\n" in (REPOSITORY / "Makefile").read_text()
