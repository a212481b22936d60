"""The `--public-key` option that audit_checkpoint and audit_verify share: the keys of a rotated
service key, whose checkpoints still count (ADR 0009)."""

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import CommandError, CommandParser

from core.signing import PackKeyError, load_public_key


def public_key_option_add(parser: CommandParser) -> None:
    parser.add_argument(
        "--public-key",
        metavar="FILE",
        action="append",
        default=[],
        help="a PEM Ed25519 public key whose checkpoints count too (a key used before the "
        "service's key was rotated); may be given more than once",
    )


def public_keys_given(options: dict[str, Any]) -> list[Ed25519PublicKey]:
    """The keys named by `--public-key`; CommandError naming the option for one unreadable."""
    try:
        return [load_public_key(Path(f).read_bytes()) for f in options["public_key"]]
    except (OSError, ValueError, PackKeyError) as exc:
        raise CommandError(f"--public-key: {exc}") from exc
