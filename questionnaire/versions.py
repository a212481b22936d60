"""Publishing questionnaire versions (ADR 0044): an administrator's YAML is checked as
``questionnaire_check`` checks a file, kept as a candidate while they read its differences and
preview, and published with a note. Versions are immutable: a number once used is never
published again with other text, and each new version numbers above the current one.

Every step is audited: a refused file (with why), a candidate checked, a version published."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import can_administer
from audit.services import Auditor
from core.text import has_control_characters

from . import definitions
from .engine.errors import DefinitionError
from .engine.loader import definition_from_text
from .engine.schema import Definition
from .models import PublishedVersion, VersionCandidate

CONTROL_CHARACTERS = "The selected file must not contain control characters"
NOT_UTF8 = "The selected file must be text in UTF-8"


class VersionRefused(Exception):
    """The version cannot be published; ``message`` says why, in words for the error summary,
    and ``details`` are the checks' own lines (as questionnaire_check prints them)."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # A parser's pointer under the quoted source ("^") and blank lines mean nothing once each
        # line is a bullet on the page; the words around them say where.
        self.details = [line for line in details or [] if line.strip(" \t^")]


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decoded(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VersionRefused(NOT_UTF8) from exc
    text = text.removeprefix("\ufeff")
    # Tab, line feed and carriage return are YAML's own; any other control character is refused
    # rather than cleaned (ADR 0007): removing bytes from a definition would publish text
    # nobody reviewed.
    if has_control_characters(text):
        raise VersionRefused(CONTROL_CHARACTERS)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def version_check(text: str, source_name: str) -> Definition:
    """``text`` as a definition that may be published next, else VersionRefused: the schema's
    checks (those of questionnaire_check), the same questionnaire as the current one, a number
    above the current one's, and no other text already published or filed with that number."""
    try:
        definition = definition_from_text(text, source_name)
    except DefinitionError as exc:
        # PyYAML names text it was given as "<unicode string>": name the file instead.
        described = str(exc).replace('"<unicode string>"', f'"{source_name}"')
        # and its marks, such as '<stream end>', in words rather than in angle brackets.
        lines = re.sub(r"'<([a-z ]+)>'", r"the \1", described).splitlines()
        raise VersionRefused(
            "The selected file is not a valid questionnaire definition", lines
        ) from exc
    current = definitions.current_definition()
    if definition.id != current.id:
        raise VersionRefused(f"The questionnaire id must be {current.id}, not {definition.id}")
    if definition.version <= current.version:
        raise VersionRefused(
            f"The version number must be higher than the current version, {current.version}"
        )
    filed = definitions.load_all().get((definition.id, definition.version))
    published = PublishedVersion.objects.filter(
        definition_id=definition.id, version=definition.version
    ).first()
    if published is not None or (filed is not None and filed != definition):
        raise VersionRefused(
            f"Version {definition.version} already exists with other content: "
            "give the new version a number of its own"
        )
    return definition


def files_to_choose() -> list[str]:
    """The YAML files in QUESTIONNAIRE_DIR, by name."""
    return sorted(path.name for path in Path(settings.QUESTIONNAIRE_DIR).glob("*.yaml"))


def _refusal_record(actor: User, source_name: str, refused: VersionRefused) -> None:
    version_refusal_record(
        actor=actor, source_name=source_name, reason=refused.message, details=refused.details
    )


def version_refusal_record(
    *, actor: User, source_name: str, reason: str, details: list[str]
) -> None:
    """Audit a refused version: a file that failed the checks, or an upload refused before them
    (too large, binary, none chosen: the evidence pipeline's refusals)."""
    Auditor(actor).record(
        action="questionnaire_version.refuse",
        obj=None,
        subject=source_name,
        after={"reason": reason, "details": details[:20]},
    )


def version_candidate_create(*, data: bytes, source_name: str, actor: User) -> VersionCandidate:
    """Check ``data`` (an uploaded or chosen file's bytes) and keep it as a candidate for
    publishing. Raises VersionRefused (audited, nothing kept) when any check fails."""
    if not can_administer(actor):
        raise PermissionError("Only administrators publish questionnaire versions")
    try:
        text = _decoded(data)
        definition = version_check(text, source_name)
    except VersionRefused as refused:
        _refusal_record(actor, source_name, refused)
        raise
    return _candidate_keep(text, definition, source_name, actor)


@transaction.atomic
def _candidate_keep(
    text: str, definition: Definition, source_name: str, actor: User
) -> VersionCandidate:
    candidate = VersionCandidate.objects.create(
        definition_id=definition.id,
        version=definition.version,
        yaml_text=text,
        sha256=sha256_of(text),
        source_name=source_name,
        checked_by=actor,
        checked_at=timezone.now(),
    )
    Auditor(actor).record(
        action="questionnaire_version.check",
        obj=candidate,
        subject=source_name,
        after={
            "definition_id": definition.id,
            "version": definition.version,
            "sha256": candidate.sha256,
        },
    )
    return candidate


def version_file_read(name: str) -> bytes:
    """A file of QUESTIONNAIRE_DIR by its name, only one files_to_choose lists."""
    if name not in files_to_choose():
        raise VersionRefused("Select a file")
    return (Path(settings.QUESTIONNAIRE_DIR) / name).read_bytes()


def version_publish(*, candidate: VersionCandidate, note: str, actor: User) -> PublishedVersion:
    """Publish a checked candidate: from now new applications answer it.

    Guarantees: only an administrator; the candidate is checked again at this moment (another
    version may have been published since), and published once; the note is required."""
    if not can_administer(actor):
        raise PermissionError("Only administrators publish questionnaire versions")
    try:
        return _publish(candidate, note, actor)
    except VersionRefused as refused:
        _refusal_record(actor, candidate.source_name, refused)
        raise


@transaction.atomic
def _publish(candidate: VersionCandidate, note: str, actor: User) -> PublishedVersion:
    # Publishers take turns: with every published version of the questionnaire locked, a second
    # publish checks against the version the first made current, not the one before it. (SQLite
    # writers take turns anyway: transactions begin IMMEDIATE, config/settings.py. Before the
    # first publish there is no row to lock; current_definition's order by number still keeps
    # the higher of two versions published at once current.)
    list(
        PublishedVersion.objects.select_for_update()
        .filter(definition_id=candidate.definition_id)
        .values_list("pk", flat=True)
    )
    candidate = VersionCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.published_id is not None:
        raise VersionRefused("This version has already been published")
    if not note.strip():
        raise VersionRefused("Enter a note about what changed in this version")
    version_check(candidate.yaml_text, candidate.source_name)
    try:
        with transaction.atomic():
            published = PublishedVersion.objects.create(
                definition_id=candidate.definition_id,
                version=candidate.version,
                yaml_text=candidate.yaml_text,
                sha256=candidate.sha256,
                source_name=candidate.source_name,
                published_by=actor,
                note=note.strip(),
                published_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise VersionRefused(
            f"Version {candidate.version} has just been published by someone else"
        ) from exc
    candidate.published = published
    candidate.save(update_fields=["published"])
    Auditor(actor).record(
        action="questionnaire_version.publish",
        obj=published,
        subject=f"{published.definition_id} v{published.version}",
        after={
            "definition_id": published.definition_id,
            "version": published.version,
            "sha256": published.sha256,
            "source": published.source_name,
            "note": published.note,
        },
    )
    return published
