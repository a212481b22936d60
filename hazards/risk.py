"""Clinical risk from the standard 5x5 matrix of DCB0129 / DCB0160 (issue 11): plain Python.

Likelihood is one of Very High, High, Medium, Low and Very Low; severity one of Minor,
Significant, Considerable, Major and Catastrophic. `risk(likelihood, severity)` is the matrix's
number, 1 (acceptable) to 5 (unacceptable); `RISK_LABELS` and `RISK_TAG_CLASSES` give its words and
NHS tag colour. A residual risk of 4 or more needs a written justification before the CSO can
approve the log (`RISK_NEEDS_JUSTIFICATION`).
"""

from __future__ import annotations

from enum import StrEnum


class Likelihood(StrEnum):
    VERY_HIGH = "Very High"
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"
    VERY_LOW = "Very Low"


class Severity(StrEnum):
    MINOR = "Minor"
    SIGNIFICANT = "Significant"
    CONSIDERABLE = "Considerable"
    MAJOR = "Major"
    CATASTROPHIC = "Catastrophic"


# Rows from Very High down to Very Low; columns Minor to Catastrophic (the table).
_MATRIX: dict[Likelihood, tuple[int, int, int, int, int]] = {
    Likelihood.VERY_HIGH: (3, 4, 4, 5, 5),
    Likelihood.HIGH: (2, 3, 3, 4, 5),
    Likelihood.MEDIUM: (2, 2, 3, 3, 4),
    Likelihood.LOW: (1, 2, 2, 3, 4),
    Likelihood.VERY_LOW: (1, 1, 2, 2, 3),
}
_SEVERITY_COLUMN = {severity: column for column, severity in enumerate(Severity)}

RISK_LABELS = {
    1: "Acceptable",
    2: "Acceptable where risk is low",
    3: "Undesirable",
    4: "Mandatory elimination or control",
    5: "Unacceptable",
}
RISK_TAG_CLASSES = {
    1: "nhsuk-tag--green",
    2: "nhsuk-tag--aqua-green",
    3: "nhsuk-tag--yellow",
    4: "nhsuk-tag--orange",
    5: "nhsuk-tag--red",
}
RISK_NEEDS_JUSTIFICATION = 4


def risk(likelihood: Likelihood, severity: Severity) -> int:
    """The matrix's risk, 1 to 5, for a likelihood and a severity."""
    return _MATRIX[Likelihood(likelihood)][_SEVERITY_COLUMN[Severity(severity)]]


def risk_tag(value: int) -> dict[str, str]:
    """The NHS tag for a risk: its number and label, in its colour."""
    return {"text": f"{value} {RISK_LABELS[value]}", "classes": RISK_TAG_CLASSES[value]}
