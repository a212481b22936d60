"""Development keys kept in files (core.key_files): outside production, with no key set, the
signing key is made once, private from the start, and kept by every process that follows."""

import stat

from core import signing
from core.key_files import key_file_write_once


def test_the_development_signing_key_is_made_once_private_and_kept(settings, tmp_path):
    settings.ASSURANCE_SIGNING_KEY = ""
    settings.ASSURANCE_DEV_KEY_FILE = tmp_path / "var" / "signing.pem"
    signing._key_for.cache_clear()
    try:
        first = signing.signing_key()
        key_file = tmp_path / "var" / "signing.pem"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        signing._key_for.cache_clear()  # as after a restart
        assert signing.public_key_pem(signing.signing_key().public_key()) == signing.public_key_pem(
            first.public_key()
        )
        assert [p.name for p in key_file.parent.iterdir()] == ["signing.pem"]
    finally:
        signing._key_for.cache_clear()


def test_a_second_process_keeps_the_key_the_first_wrote(tmp_path):
    """Two processes starting at once: the second's write leaves the first's key in place."""
    path = tmp_path / "key"
    key_file_write_once(path, b"first\n")
    key_file_write_once(path, b"second\n")
    assert path.read_bytes() == b"first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["key"]
