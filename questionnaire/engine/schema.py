"""The typed schema of a questionnaire definition, validated when it loads.

A definition is data (YAML in ``questionnaire/definitions``). Loading checks that ids are unique,
that every condition and rule refers to an existing question, field and option, that a question's
``applies_when`` refers only to earlier questions (so the journey can be walked in order), and that
limits are sane. Anything wrong stops the load with a message that names where.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .conditions import MAIN_FIELD, Condition, Reference
from .people import PersonRole

MAX_TEXT_LIMIT = 10_000
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paragraph(_Strict):
    p: str = Field(min_length=1)


class BulletList(_Strict):
    ul: list[str] = Field(min_length=1)


class Subheading(_Strict):
    h: str = Field(min_length=1)


Block = Paragraph | BulletList | Subheading


def _block_text(block: Block) -> str:
    if isinstance(block, BulletList):
        return "\n".join(f"- {item}" for item in block.ul)
    return block.p if isinstance(block, Paragraph) else block.h


class Option(_Strict):
    value: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    hint: str | None = None


class FollowUpKind(StrEnum):
    RADIOS = "radios"
    TEXT = "text"
    INPUT = "input"


class FollowUp(_Strict):
    """A further answer revealed beneath one or more options of its question's radios."""

    id: str = Field(pattern=ID_PATTERN)
    kind: FollowUpKind
    label: str
    hint: str | None = None
    options: list[Option] = []
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT_LIMIT)
    # One option per follow-up: it is rendered once, beneath that option.
    shown_when: list[str] = Field(min_length=1, max_length=1)
    error_name: str
    required_error: str

    @model_validator(mode="after")
    def _check(self) -> FollowUp:
        if self.id == MAIN_FIELD:
            raise ValueError(f"follow-up id {MAIN_FIELD!r} is reserved for the main answer")
        if self.kind is FollowUpKind.RADIOS and len(self.options) < 2:
            raise ValueError(f"follow-up {self.id!r} is radios and needs at least 2 options")
        if self.kind is not FollowUpKind.RADIOS and self.options:
            raise ValueError(f"follow-up {self.id!r} is {self.kind} and cannot have options")
        if self.kind is not FollowUpKind.RADIOS and self.max_length is None:
            raise ValueError(f"follow-up {self.id!r} needs a max_length")
        return self


class QuestionKind(StrEnum):
    RADIOS = "radios"
    DATE = "date"
    TEXT = "text"
    CHECKBOX = "checkbox"
    FILE = "file"


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    number: str
    kind: QuestionKind
    text: str = Field(min_length=1, description="The exact wording shown to the applicant")
    title: str = Field(min_length=1, description="Short name for the task list and check answers")
    inferred: bool = False
    hint: str | None = None
    preamble: list[Block] = []
    supporting_information: list[Block] = []
    options: list[Option] = []
    inline: bool = False
    checkbox_label: str | None = None
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT_LIMIT)
    follow_ups: list[FollowUp] = []
    applies_when: Condition | None = None
    required: bool = True
    error_name: str = Field(description="How errors name the answer, e.g. 'Date published'")
    required_error: str = Field(min_length=1)
    discards_other_answers_on_change: bool = False
    # A text question that names key personnel in this role (ADR 0038): its answer is written
    # from the application's key personnel, and its page records them.
    names_role: PersonRole | None = None

    @model_validator(mode="after")
    def _check(self) -> Question:
        where = f"question {self.id!r}"
        if self.names_role is not None and self.kind is not QuestionKind.TEXT:
            raise ValueError(f"{where} names key personnel, so it must be a text question")
        if self.kind is QuestionKind.RADIOS and len(self.options) < 2:
            raise ValueError(f"{where} is radios and needs at least 2 options")
        if self.kind is not QuestionKind.RADIOS and (self.options or self.follow_ups):
            raise ValueError(f"{where} is {self.kind}: only radios have options and follow-ups")
        if self.kind is QuestionKind.TEXT and self.max_length is None:
            raise ValueError(f"{where} is text and needs a max_length")
        if self.kind is QuestionKind.CHECKBOX and not self.checkbox_label:
            raise ValueError(f"{where} is a checkbox and needs a checkbox_label")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError(f"{where} has duplicate option values")
        follow_up_ids = [f.id for f in self.follow_ups]
        if len(follow_up_ids) != len(set(follow_up_ids)):
            raise ValueError(f"{where} has duplicate follow-up ids")
        for follow_up in self.follow_ups:
            unknown = set(follow_up.shown_when) - set(values)
            if unknown:
                raise ValueError(
                    f"{where} follow-up {follow_up.id!r} is shown for unknown options "
                    f"{sorted(unknown)}"
                )
        return self

    def wording(self) -> str:
        """The exact wording shown with the answer: stored with every answer."""
        parts = [self.text, *(_block_text(b) for b in self.preamble)]
        if self.checkbox_label:
            parts.append(self.checkbox_label)
        return "\n".join(parts)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def asked_as(self) -> tuple[object, ...]:
        """What the applicant is asked, to compare one questionnaire version's question with
        another's: its kind, exact wording, options and follow-ups with theirs. Two versions
        ask the same question when these are equal; numbering, titles, hints and error
        messages may change without changing the question."""
        return (
            self.kind,
            self.wording(),
            tuple((o.value, o.label) for o in self.options),
            tuple(
                (
                    f.id,
                    f.kind,
                    f.label,
                    tuple((o.value, o.label) for o in f.options),
                    tuple(f.shown_when),
                    f.max_length,
                )
                for f in self.follow_ups
            ),
            self.max_length,
        )

    def follow_ups_for(self, value: object) -> list[FollowUp]:
        return [f for f in self.follow_ups if value in f.shown_when]

    def fields(self) -> dict[str, list[str] | None]:
        """Field id to its option values (None where free text or a date)."""
        result: dict[str, list[str] | None] = {
            MAIN_FIELD: [o.value for o in self.options] if self.options else None
        }
        for f in self.follow_ups:
            result[f.id] = [o.value for o in f.options] if f.options else None
        return result


class Outcome(StrEnum):
    BLOCK = "block"  # stops submission until the answer changes; the applicant sees why
    PAUSE = "pause"  # pauses Stage 2 until the answer changes; the applicant sees why
    FLAG = "flag"  # the applicant is told NHS England will look more closely at the answer
    NOTE = "note"  # recorded for NHS England's reviewer only; never shown to the applicant


class Rule(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    when: Condition
    outcome: Outcome
    question: str = Field(description="The question the applicant changes to clear it")
    reason: str = Field(
        min_length=1, description="What the reviewer sees, and the applicant unless a note"
    )
    action: str | None = Field(default=None, description="What the organisation must do")

    @model_validator(mode="after")
    def _check(self) -> Rule:
        if self.outcome in (Outcome.BLOCK, Outcome.PAUSE) and not self.action:
            raise ValueError(f"rule {self.id!r} is a {self.outcome} and needs an action")
        if self.outcome is Outcome.NOTE and self.action:
            # A note is never shown to the organisation, so there is nothing it could be told to do.
            raise ValueError(f"rule {self.id!r} is a note and cannot have an action")
        return self


class AttestationRule(_Strict):
    """Where an answer rests on a named person's sign-off: when it is required, who may give it,
    and the exact words they attest."""

    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(description="The answer the attestation supports")
    when: Condition = Field(description="The attestation is required when this holds")
    roles: list[PersonRole] = Field(min_length=1, description="Key personnel who may attest")
    statement: str = Field(min_length=1, description="The exact words the person attests")

    @model_validator(mode="after")
    def _check(self) -> AttestationRule:
        if len(self.roles) != len(set(self.roles)):
            raise ValueError(f"attestation {self.id!r} names a role twice")
        return self

    def takes(self, question_id: str, role: str) -> bool:
        """Whether a statement asked under this rule's id, of `question_id`, of a person in
        `role`, counts under the rule as it reads now: a new version of the questions may have
        moved the rule to another question, or stopped allowing the role (ADR 0044)."""
        return self.question == question_id and role in self.roles


class Definition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: int = Field(ge=1)
    title: str
    help_and_tips_heading: str
    help_and_tips: list[Block]
    questions: list[Question] = Field(min_length=1)
    rules: list[Rule] = []
    attestations: list[AttestationRule] = []

    @model_validator(mode="after")
    def _check_references(self) -> Definition:
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate question ids: {duplicates}")
        rule_ids = [r.id for r in self.rules]
        duplicate_rules = sorted({i for i in rule_ids if rule_ids.count(i) > 1})
        if duplicate_rules:
            raise ValueError(f"duplicate rule ids: {duplicate_rules}")

        position = {q.id: i for i, q in enumerate(self.questions)}
        for index, question in enumerate(self.questions):
            if question.applies_when is not None:
                where = f"question {question.id!r} applies_when"
                for ref in question.applies_when.references():
                    self._check_reference(ref, where)
                    if position[ref.question] >= index:
                        raise ValueError(
                            f"{where} refers to {ref.question!r}, which is not an earlier question"
                        )
        for rule in self.rules:
            where = f"rule {rule.id!r}"
            if rule.question not in position:
                raise ValueError(f"{where} links to unknown question {rule.question!r}")
            for ref in rule.when.references():
                self._check_reference(ref, where)
        attestation_ids = [a.id for a in self.attestations]
        twice = sorted({i for i in attestation_ids if attestation_ids.count(i) > 1})
        if twice:
            raise ValueError(f"duplicate attestation ids: {twice}")
        for attestation in self.attestations:
            where = f"attestation {attestation.id!r}"
            if attestation.question not in position:
                raise ValueError(f"{where} supports unknown question {attestation.question!r}")
            for ref in attestation.when.references():
                self._check_reference(ref, where)
        return self

    def _check_reference(self, ref: Reference, where: str) -> None:
        question = self.question_or_none(ref.question)
        if question is None:
            raise ValueError(f"{where} refers to unknown question {ref.question!r}")
        fields = question.fields()
        if ref.field not in fields:
            raise ValueError(f"{where} refers to unknown field {ref.question}.{ref.field}")
        options = fields[ref.field]
        if ref.value is not None and options is not None and ref.value not in options:
            raise ValueError(
                f"{where} refers to unknown option {ref.value!r} of {ref.question}.{ref.field}"
            )

    def question_or_none(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def question(self, question_id: str) -> Question:
        question = self.question_or_none(question_id)
        if question is None:
            raise KeyError(question_id)
        return question
