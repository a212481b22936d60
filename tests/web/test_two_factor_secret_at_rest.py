"""The TOTP secret at rest (ADR 0010, issue 22): encrypted with Fernet keys from the environment
(TWO_FACTOR_ENCRYPTION_KEYS, newest first), read only through two_factor.secret_storage, rotated
by `manage.py two_factor_rotate_key`, and required in production."""

import io
import json
import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from core.checks import check_two_factor_encryption_keys
from core.fernet_keys import EncryptionKeyError
from tests.config.support import THROWAWAY_SIGNING_KEY, manage
from tests.conftest import PASSWORD
from tests.two_factor_support import fresh_code, give_authenticator
from two_factor import secret_storage, totp
from two_factor.models import Authenticator
from two_factor.secret_storage import SecretUnreadable, authenticator_secret, secret_encrypt
from two_factor.services import CodeCheck, code_verify

pytestmark = pytest.mark.django_db

KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))
ROTATED = "two_factor.encryption_key_rotated"


def stored_row(user) -> dict[str, object]:
    """The authenticator's row as the database holds it, every column, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM two_factor_authenticator WHERE user_id = %s", [user.pk])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def stored_token(user) -> str:
    return stored_row(user)["secret_encrypted"]


def verify(user, code):
    return code_verify(user=user, code=code, client="test", purpose="sign_in")


@pytest.fixture
def keys(settings):
    """Sets TWO_FACTOR_ENCRYPTION_KEYS, newest first."""

    def use(*given: str) -> None:
        settings.TWO_FACTOR_ENCRYPTION_KEYS = list(given)

    use(KEY_A)
    return use


# --------------------------------------------------------------------------- at rest


def test_the_stored_value_is_not_the_base32_secret(member):
    secret = give_authenticator(member)
    row = stored_row(member)
    assert not any(secret in str(value) for value in row.values()), row


def test_the_secret_is_encrypted_with_the_key_from_the_environment(member, keys):
    secret = give_authenticator(member)
    assert Fernet(KEY_A).decrypt(stored_token(member)).decode() == secret
    with pytest.raises(InvalidToken):
        Fernet(KEY_B).decrypt(stored_token(member))


def test_a_code_made_from_the_plain_secret_still_verifies_through_the_service(member, keys):
    secret = give_authenticator(member)
    assert verify(member, fresh_code(secret)) is CodeCheck.ACCEPTED
    # and through the sign-in page
    client = Client()
    client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    response = client.post("/two-factor/sign-in", {"code": fresh_code(secret)})
    assert response.status_code == 302


def test_the_plain_attribute_is_refused_rather_than_read_or_set_silently(member):
    give_authenticator(member)
    authenticator = Authenticator.objects.get(user=member)
    with pytest.raises(RuntimeError, match="stored encrypted"):
        authenticator.secret  # noqa: B018
    with pytest.raises(RuntimeError, match="stored encrypted"):
        authenticator.secret = "JBSWY3DPEHPK3PXP"


# --------------------------------------------------------------------------- wrong or missing key


def fresh_code_without_reading(secret):
    """A code for the next time step, found without reading the stored secret."""
    return totp.code_at(secret, totp.current_step(timezone.now()) + 1)


def test_a_wrong_key_fails_loudly_not_as_a_wrong_code(member, keys):
    secret = give_authenticator(member)
    keys(KEY_B)
    with pytest.raises(SecretUnreadable, match="TWO_FACTOR_ENCRYPTION_KEYS"):
        verify(member, fresh_code_without_reading(secret))
    client = Client()
    client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    with pytest.raises(SecretUnreadable):
        client.post("/two-factor/sign-in", {"code": fresh_code_without_reading(secret)})
    # nothing was counted against the person
    assert not AuditEntry.objects.filter(action="two_factor.failed").exists()


def test_a_missing_key_in_production_fails_and_never_falls_back_to_a_development_key(
    settings, tmp_path
):
    settings.IS_PRODUCTION = True
    settings.TWO_FACTOR_ENCRYPTION_KEYS = []
    settings.TWO_FACTOR_DEV_KEY_FILE = tmp_path / "dev-key"
    with pytest.raises(EncryptionKeyError, match="TWO_FACTOR_ENCRYPTION_KEYS must be set"):
        secret_encrypt("JBSWY3DPEHPK3PXP")
    with pytest.raises(EncryptionKeyError, match="TWO_FACTOR_ENCRYPTION_KEYS must be set"):
        secret_storage.secret_decrypt(Fernet(KEY_A).encrypt(b"JBSWY3DPEHPK3PXP").decode())
    assert not (tmp_path / "dev-key").exists()


def test_outside_production_a_development_key_is_made_once_and_kept(settings, tmp_path):
    settings.TWO_FACTOR_ENCRYPTION_KEYS = []
    settings.TWO_FACTOR_DEV_KEY_FILE = tmp_path / "var" / "dev-key"
    token = secret_encrypt("JBSWY3DPEHPK3PXP")
    key_file = tmp_path / "var" / "dev-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Fernet(key_file.read_text().strip()).decrypt(token) == b"JBSWY3DPEHPK3PXP"
    secret_storage._development_keys.cache_clear()  # as after a restart
    assert secret_storage.secret_decrypt(token) == "JBSWY3DPEHPK3PXP"
    assert [p.name for p in key_file.parent.iterdir()] == ["dev-key"]  # no temporary file left


# --------------------------------------------------------------------------- start-up check


def test_the_start_up_check_refuses_a_missing_key_in_production_only(settings):
    settings.TWO_FACTOR_ENCRYPTION_KEYS = []
    assert check_two_factor_encryption_keys() is None
    settings.IS_PRODUCTION = True
    assert check_two_factor_encryption_keys().startswith("must be set in production")
    settings.TWO_FACTOR_ENCRYPTION_KEYS = [KEY_A]
    assert check_two_factor_encryption_keys() is None


def test_a_key_that_is_not_a_fernet_key_is_named_by_its_place_never_shown(settings):
    settings.TWO_FACTOR_ENCRYPTION_KEYS = [KEY_A, "hunter2-not-a-key"]
    problem = check_two_factor_encryption_keys()
    assert problem.startswith("key 2 of 2 is not a Fernet key")
    assert "hunter2" not in problem and KEY_A not in problem


def test_manage_py_check_in_production_refuses_to_start_without_the_key():
    production = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-production-key-for-the-check-" + "z" * 20,
        "DJANGO_ALLOWED_HOSTS": "nir.example.nhs.uk",
        "SERVICE_URL": "https://nir.example.nhs.uk",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CLAMD_ADDRESS": "tcp://127.0.0.1:3310",
        "ASSURANCE_SIGNING_KEY": THROWAWAY_SIGNING_KEY,
    }
    refused = manage("check", **production)
    assert refused.returncode != 0
    assert "TWO_FACTOR_ENCRYPTION_KEYS: must be set in production" in refused.stderr
    started = manage("check", TWO_FACTOR_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}", **production)
    assert started.returncode == 0, started.stderr


# --------------------------------------------------------------------------- rotation


def rotate() -> str:
    out = io.StringIO()
    call_command("two_factor_rotate_key", stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_with_the_new_key_and_is_audited_once_a_run(member, outsider, keys):
    first, second = give_authenticator(member), give_authenticator(outsider)
    keys(KEY_B, KEY_A)
    # before the rotation, secrets under the old key still verify
    assert verify(member, fresh_code(first)) is CodeCheck.ACCEPTED
    assert Fernet(KEY_A).decrypt(stored_token(outsider)).decode() == second

    assert rotate().startswith("Re-encrypted 2 two-factor secret(s) with the newest key; 0 ")
    assert Fernet(KEY_B).decrypt(stored_token(member)).decode() == first
    assert Fernet(KEY_B).decrypt(stored_token(outsider)).decode() == second
    keys(KEY_B)  # the old key can go
    assert verify(outsider, fresh_code(second)) is CodeCheck.ACCEPTED
    assert verify(member, fresh_code(first)) is CodeCheck.ACCEPTED

    tokens = {stored_token(member), stored_token(outsider)}
    assert rotate().startswith("Re-encrypted 0 two-factor secret(s) with the newest key; 2 ")
    assert {stored_token(member), stored_token(outsider)} == tokens  # idempotent

    entries = AuditEntry.objects.filter(action=ROTATED).order_by("sequence")
    assert [entry.after for entry in entries] == [
        {"re_encrypted": 2, "already_current": 0},
        {"re_encrypted": 0, "already_current": 2},
    ]
    logged = json.dumps(list(entries.values()), default=str)
    for kept_apart in (first, second, KEY_A, KEY_B, *tokens):
        assert kept_apart not in logged


def test_a_new_secret_is_encrypted_with_the_newest_key(member, keys):
    keys(KEY_B, KEY_A)
    secret = give_authenticator(member)
    assert Fernet(KEY_B).decrypt(stored_token(member)).decode() == secret


def test_a_rotation_that_meets_a_secret_no_key_reads_changes_nothing(member, outsider, keys):
    give_authenticator(member)  # under A
    keys(KEY_B)
    give_authenticator(outsider)  # under B
    keys(KEY_C, KEY_B)  # A is missing
    before = {stored_token(member), stored_token(outsider)}
    with pytest.raises(CommandError, match="No key in TWO_FACTOR_ENCRYPTION_KEYS decrypts"):
        rotate()
    assert {stored_token(member), stored_token(outsider)} == before
    assert not AuditEntry.objects.filter(action=ROTATED).exists()


# --------------------------------------------------------------------------- the migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_plain_secrets_and_reverses_to_them(member, keys):
    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    before, after = [("two_factor", "0001_initial")], [("two_factor", "0002_secret_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        old_apps.get_model("two_factor", "Authenticator").objects.create(
            user_id=member.pk, secret=plain
        )
        executor.loader.build_graph()
        executor.migrate(after)
        assert Fernet(KEY_A).decrypt(stored_token(member)).decode() == plain
        assert authenticator_secret(Authenticator.objects.get(user=member)) == plain

        executor.loader.build_graph()
        executor.migrate(before)
        assert stored_row(member)["secret"] == plain
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
