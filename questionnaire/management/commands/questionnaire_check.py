"""Validate a questionnaire definition file: `python manage.py questionnaire_check PATH`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaire.engine.errors import DefinitionError
from questionnaire.engine.loader import load_definition


class Command(BaseCommand):
    help = "Check that a questionnaire definition (YAML) is valid, and say what is wrong if not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        try:
            definition = load_definition(path)
        except DefinitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{path}: {definition.id} version {definition.version} is valid "
            f"({len(definition.questions)} questions, {len(definition.rules)} rules, "
            f"{len(definition.attestations)} attestations)"
        )
