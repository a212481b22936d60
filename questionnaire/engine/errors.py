class DefinitionError(Exception):
    """A questionnaire definition is broken. The message names where."""


class RuleEvaluationError(Exception):
    """A condition met an answer it cannot judge. Raised, never treated as false."""
