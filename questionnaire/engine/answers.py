"""Turn what an applicant submitted on a question page into a stored answer, or into errors.

Error wording follows the NHS design system exactly: "Select …", "Enter …", "… must be a real
date", "… must be today or in the past", "… must be 2,000 characters or fewer". Never "invalid".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .conditions import MAIN_FIELD
from .schema import FollowUp, FollowUpKind, Question, QuestionKind

# Names of the main answer's inputs on the page. A follow-up's input is named by its id.
MAIN_INPUT = "answer"
DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class FieldError:
    input_id: str  # the id of the element the error summary links to
    message: str
    field: str = MAIN_FIELD
    date_parts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ParsedAnswer:
    value: dict[str, str] | None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error_for(self, field_id: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field_id), None)


def normalise_text(text: str) -> str:
    # Browsers send line breaks as CRLF; the character count counts each as one character.
    return text.replace("\r\n", "\n").strip()


def text_length_error(error_name: str, limit: int) -> str:
    return f"{error_name} must be {limit:,} characters or fewer"


def parse_answer(question: Question, data: Mapping[str, str], today: date) -> ParsedAnswer:
    """Parse one question page's submission. The caller keeps ``data`` to show it back."""
    if question.kind is QuestionKind.DATE:
        return _parse_date(question, data, today)
    if question.kind is QuestionKind.TEXT:
        assert question.max_length is not None
        text = normalise_text(data.get(MAIN_INPUT, ""))
        error = _text_error(text, question.max_length, question.required_error, question.error_name)
        if error:
            return ParsedAnswer(None, [FieldError(MAIN_INPUT, error)])
        return ParsedAnswer({MAIN_FIELD: text})
    if question.kind is QuestionKind.CHECKBOX:
        if data.get(MAIN_INPUT) != "yes":
            return ParsedAnswer(None, [FieldError(MAIN_INPUT, question.required_error)])
        return ParsedAnswer({MAIN_FIELD: "yes"})
    if question.kind is QuestionKind.RADIOS:
        return _parse_radios(question, data)
    raise ValueError(f"question {question.id!r} of kind {question.kind} is not answered by a form")


def _text_error(text: str, limit: int, required_error: str, error_name: str) -> str | None:
    if not text:
        return required_error
    if len(text) > limit:
        return text_length_error(error_name, limit)
    return None


def _parse_radios(question: Question, data: Mapping[str, str]) -> ParsedAnswer:
    chosen = data.get(MAIN_INPUT, "")
    if question.option(chosen) is None:
        return ParsedAnswer(None, [FieldError(MAIN_INPUT, question.required_error)])
    value = {MAIN_FIELD: chosen}
    errors = []
    for follow_up in question.follow_ups_for(chosen):
        follow_value, error = _parse_follow_up(follow_up, data)
        if error:
            errors.append(FieldError(follow_up.id, error, field=follow_up.id))
        else:
            value[follow_up.id] = follow_value
    return ParsedAnswer(None if errors else value, errors)


def _parse_follow_up(follow_up: FollowUp, data: Mapping[str, str]) -> tuple[str, str | None]:
    raw = data.get(follow_up.id, "")
    if follow_up.kind is FollowUpKind.RADIOS:
        valid = any(o.value == raw for o in follow_up.options)
        return raw, None if valid else follow_up.required_error
    assert follow_up.max_length is not None
    text = normalise_text(raw)
    return text, _text_error(
        text, follow_up.max_length, follow_up.required_error, follow_up.error_name
    )


def _parse_date(question: Question, data: Mapping[str, str], today: date) -> ParsedAnswer:
    return parse_date_input(
        data,
        prefix=MAIN_INPUT,
        name=question.error_name,
        required_error=question.required_error,
        today=today,
        must_be="past",
    )


def parse_date_input(
    data: Mapping[str, str],
    *,
    prefix: str,
    name: str,
    required_error: str,
    today: date,
    must_be: str,
) -> ParsedAnswer:
    """A day, month and year input (``<prefix>-day`` …) as a date, with the design system's
    errors. ``must_be`` is "past" (today or in the past) or "future" (today or in the future)."""
    parts = {p: data.get(f"{prefix}-{p}", "").strip() for p in DATE_PARTS}

    def fail(message: str, bad: set[str]) -> ParsedAnswer:
        first = next(p for p in DATE_PARTS if p in bad)
        return ParsedAnswer(
            None, [FieldError(f"{prefix}-{first}", message, date_parts=frozenset(bad))]
        )

    missing = [p for p in DATE_PARTS if not parts[p]]
    if len(missing) == len(DATE_PARTS):
        return fail(required_error, set(DATE_PARTS))
    if missing:
        return fail(f"{name} must include a {' and '.join(missing)}", set(missing))
    if not all(parts[p].isdigit() for p in DATE_PARTS):
        return fail(
            f"{name} must be a real date", {p for p in DATE_PARTS if not parts[p].isdigit()}
        )
    if len(parts["year"]) != 4:
        return fail("Year must include 4 numbers", {"year"})
    try:
        value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (ValueError, OverflowError):
        # OverflowError: a day or month too big for the C integer that date() converts it to.
        return fail(f"{name} must be a real date", set(DATE_PARTS))
    if must_be == "past" and value > today:
        return fail(f"{name} must be today or in the past", set(DATE_PARTS))
    if must_be == "future" and value < today:
        return fail(f"{name} must be today or in the future", set(DATE_PARTS))
    return ParsedAnswer({MAIN_FIELD: value.isoformat()})


def form_data_for(question: Question, value: Mapping[str, str] | None) -> dict[str, str]:
    """A stored answer as the page's input values: the inverse of ``parse_answer``, so the page
    shows the answer again when the applicant comes back to it."""
    if not value:
        return {}
    main = value.get(MAIN_FIELD, "")
    data: dict[str, str] = {}
    if question.kind is QuestionKind.DATE and main:
        stored = date.fromisoformat(main)
        data.update(
            {
                f"{MAIN_INPUT}-day": str(stored.day),
                f"{MAIN_INPUT}-month": str(stored.month),
                f"{MAIN_INPUT}-year": str(stored.year),
            }
        )
    else:
        data[MAIN_INPUT] = main
    for follow_up in question.follow_ups:
        if follow_up.id in value:
            data[follow_up.id] = value[follow_up.id]
    return data


def format_date(value: date) -> str:
    """A date as the NHS content style writes it: 1 July 2026."""
    return f"{value.day} {value:%B %Y}"


def display_value(question: Question, answer: Mapping[str, str] | None) -> list[str]:
    """The answer as lines of text for check answers and review."""
    if not answer:
        return []
    main = answer.get(MAIN_FIELD)
    if question.kind is QuestionKind.DATE and main:
        return [format_date(date.fromisoformat(main))]
    if question.kind is QuestionKind.CHECKBOX:
        return [question.checkbox_label or "Yes"] if main == "yes" else []
    if question.kind is QuestionKind.RADIOS:
        option = question.option(main or "")
        lines = [option.label if option else str(main)]
        for follow_up in question.follow_ups_for(main):
            raw = answer.get(follow_up.id)
            if raw in (None, ""):
                continue
            name = follow_up.label.rstrip("?")
            if follow_up.options:
                label = next((o.label for o in follow_up.options if o.value == raw), raw)
                lines.append(f"{name}: {label}")
            else:
                lines.append(f"{name}: {raw}")
        return lines
    return [str(main)] if main else []
