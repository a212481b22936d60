"""Load and validate a questionnaire definition from YAML."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import DefinitionError
from .schema import Definition


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: the questionnaire definition is not valid"]
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"  at {location}: {message}")
    return "\n".join(lines)


def definition_from_text(text: str, source: str = "<definition>") -> Definition:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DefinitionError(f"{source}: the top level must be a mapping")
    try:
        return Definition.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(_describe(exc, source)) from exc


def load_definition(path: Path) -> Definition:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot be read: {exc.strerror}") from exc
    return definition_from_text(text, str(path))
