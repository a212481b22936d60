"""The Django side of questionnaire definitions: which versions exist and which is current."""

from __future__ import annotations

from datetime import date
from functools import cache

from django.conf import settings
from django.utils import timezone

from .engine.dspt import MonthDay
from .engine.errors import DefinitionError
from .engine.loader import load_definition
from .engine.schema import Definition


@cache
def load_all() -> dict[tuple[str, int], Definition]:
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
def current_definition() -> Definition:
    return load_definition(settings.QUESTIONNAIRE_DIR / settings.QUESTIONNAIRE_CURRENT)


def definition_for(definition_id: str, version: int) -> Definition:
    try:
        return load_all()[(definition_id, version)]
    except KeyError as exc:
        raise DefinitionError(f"No questionnaire {definition_id} version {version}") from exc


def dspt_deadline() -> MonthDay:
    return MonthDay.parse(settings.DSPT_PUBLICATION_DEADLINE)


def today() -> date:
    return timezone.localdate()
