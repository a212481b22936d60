"""The Django side of questionnaire definitions: which versions exist and which is current.

Versions come from two places (ADR 0044): the YAML files in QUESTIONNAIRE_DIR, and the versions
administrators published (``PublishedVersion``, their YAML kept in the database). The current
version, the one new applications answer, is the latest published; until an administrator
publishes one, it is the file QUESTIONNAIRE_CURRENT names."""

from __future__ import annotations

from datetime import date
from functools import cache

from django.conf import settings
from django.utils import timezone

from .engine.dspt import MonthDay
from .engine.errors import DefinitionError
from .engine.loader import definition_from_text, load_definition
from .engine.schema import Definition

# Published versions parsed once per process, by their text's SHA-256: a version never changes,
# so its hash names it for good.
_parsed: dict[str, Definition] = {}


@cache
def load_all() -> dict[tuple[str, int], Definition]:
    """The versions in QUESTIONNAIRE_DIR's files, by id and number (not those published from an
    upload, which live in the database: definition_for finds both)."""
    if not settings.QUESTIONNAIRE_DIR.is_dir():
        raise DefinitionError(f"QUESTIONNAIRE_DIR names {settings.QUESTIONNAIRE_DIR}, not a folder")
    definitions: dict[tuple[str, int], Definition] = {}
    for path in sorted(settings.QUESTIONNAIRE_DIR.glob("*.yaml")):
        definition = load_definition(path)
        key = (definition.id, definition.version)
        if key in definitions:
            raise DefinitionError(f"{path}: {definition.id} version {definition.version} twice")
        definitions[key] = definition
    current = settings.QUESTIONNAIRE_DIR / settings.QUESTIONNAIRE_CURRENT
    if not current.exists():
        raise DefinitionError(f"QUESTIONNAIRE_CURRENT names {current}, which does not exist")
    return definitions


@cache
def file_current_definition() -> Definition:
    """The version QUESTIONNAIRE_CURRENT names: current until an administrator publishes one."""
    return load_definition(settings.QUESTIONNAIRE_DIR / settings.QUESTIONNAIRE_CURRENT)


def published_definition(sha256: str, text: str) -> Definition:
    """A published version's definition from its stored text, parsed once per process."""
    definition = _parsed.get(sha256)
    if definition is None:
        definition = definition_from_text(text, f"published version {sha256[:12]}")
        _parsed[sha256] = definition
    return definition


def cache_clear() -> None:
    """Forget every version read (for tests that change QUESTIONNAIRE_DIR)."""
    load_all.cache_clear()
    file_current_definition.cache_clear()
    _parsed.clear()


def current_definition() -> Definition:
    """The version new applications answer: the highest published, else QUESTIONNAIRE_CURRENT's.
    By number, not by when: of two versions published at once, the higher stays current
    whichever was written last."""
    from .models import PublishedVersion

    latest = (
        PublishedVersion.objects.order_by("-version", "-pk").values_list("pk", "sha256").first()
    )
    if latest is None:
        return file_current_definition()
    pk, sha256 = latest
    if sha256 in _parsed:
        return _parsed[sha256]
    text = PublishedVersion.objects.values_list("yaml_text", flat=True).get(pk=pk)
    return published_definition(sha256, text)


def definition_for(definition_id: str, version: int) -> Definition:
    """The version ``definition_id`` ``version``, from its file or as published."""
    from .models import PublishedVersion

    found = load_all().get((definition_id, version))
    if found is not None:
        return found
    row = (
        PublishedVersion.objects.filter(definition_id=definition_id, version=version)
        .values_list("sha256", "yaml_text")
        .first()
    )
    if row is None:
        raise DefinitionError(f"No questionnaire {definition_id} version {version}")
    return published_definition(*row)


def dspt_deadline() -> MonthDay:
    return MonthDay.parse(settings.DSPT_PUBLICATION_DEADLINE)


def today() -> date:
    return timezone.localdate()
