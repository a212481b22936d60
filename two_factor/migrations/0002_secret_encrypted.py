"""The TOTP secret encrypted at rest (ADR 0010, issue 22).

Forwards, every plain secret is encrypted with the newest key in TWO_FACTOR_ENCRYPTION_KEYS (in
development and tests, the development key file). Backwards, each is decrypted into the plain
column again, so a release can be rolled back; that needs the key too, and it puts the plain
secrets back in the database, so roll back only the release, never to undo the encryption.

Through two_factor.secret_storage's functions, which hold no model: the rows here are the
historical model's. With no authenticator rows (a new database) no key is read."""

import re

from django.db import migrations, models

BASE32_SECRET = re.compile(r"[A-Z2-7]{16,64}=*")


def encrypt_plain_secrets(apps, schema_editor):
    from two_factor.secret_storage import secret_encrypt

    Authenticator = apps.get_model("two_factor", "Authenticator")
    for pk, value in Authenticator.objects.values_list("pk", "secret_encrypted").order_by("pk"):
        if not BASE32_SECRET.fullmatch(value):
            # Not what migration 0001's column held: stop rather than encrypt it or leave it.
            raise RuntimeError(f"Authenticator {pk}: the stored secret is not a base32 secret")
        Authenticator.objects.filter(pk=pk).update(secret_encrypted=secret_encrypt(value))


def decrypt_to_plain(apps, schema_editor):
    from two_factor.secret_storage import secret_decrypt

    Authenticator = apps.get_model("two_factor", "Authenticator")
    for pk, value in Authenticator.objects.values_list("pk", "secret_encrypted").order_by("pk"):
        Authenticator.objects.filter(pk=pk).update(secret_encrypted=secret_decrypt(value))


class Migration(migrations.Migration):
    dependencies = [
        ("two_factor", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="authenticator", old_name="secret", new_name="secret_encrypted"
        ),
        migrations.AlterField(
            model_name="authenticator",
            name="secret_encrypted",
            field=models.TextField(),
        ),
        migrations.RunPython(encrypt_plain_secrets, decrypt_to_plain),
    ]
