"""The journey walk: which questions apply, in which order, and what may be visited.

Only answers on the current route count. An answer to a question that no longer applies (because
an earlier answer changed) is kept in storage but pruned here, so it never reaches completeness,
rules, check answers or submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from .conditions import MAIN_FIELD, AnswerFields, Answers, EvaluationContext
from .dspt import DEFAULT_DEADLINE, MonthDay
from .schema import Definition, Question, QuestionKind


@dataclass(frozen=True)
class Journey:
    """A definition walked against one set of answers on one day.

    The answers are copied when the journey is made, so the route is walked once and every
    question about it (task list, can_visit, completeness, rules) reads the same walk."""

    definition: Definition
    answers: Answers
    today: date
    dspt_deadline: MonthDay = DEFAULT_DEADLINE

    def __post_init__(self) -> None:
        snapshot = {qid: dict(fields) for qid, fields in self.answers.items()}
        object.__setattr__(self, "answers", snapshot)

    @cached_property
    def _route(self) -> tuple[tuple[Question, AnswerFields | None], ...]:
        # Conditions only refer to earlier questions (checked at load), so walking in order and
        # judging each question against the answers already kept is enough.
        kept: dict[str, AnswerFields] = {}
        route = []
        for question in self.definition.questions:
            if question.applies_when is not None:
                ctx = EvaluationContext(kept, self.today, self.dspt_deadline)
                if not question.applies_when.evaluate(ctx):
                    continue
            answer = relevant_fields(question, self.answers.get(question.id))
            if answer is not None:
                kept[question.id] = answer
            route.append((question, answer))
        return tuple(route)

    def applicable_questions(self) -> list[Question]:
        return [question for question, _ in self._route]

    def relevant_answers(self) -> dict[str, AnswerFields]:
        return {q.id: a for q, a in self._route if a is not None}

    def context(self) -> EvaluationContext:
        return EvaluationContext(self.relevant_answers(), self.today, self.dspt_deadline)

    def is_answered(self, question: Question) -> bool:
        return is_answer_complete(question, self.relevant_answers().get(question.id))

    def unanswered(self) -> list[Question]:
        answers = self.relevant_answers()
        return [
            q
            for q in self.applicable_questions()
            if q.required and not is_answer_complete(q, answers.get(q.id))
        ]

    def is_complete(self) -> bool:
        return not self.unanswered()

    def next_question(self, after: str | None = None) -> Question | None:
        """The question after ``after`` on the route, or, if ``after`` is None, the first required
        question not yet answered (where the applicant left off). None means go to check answers.
        """
        questions = self.applicable_questions()
        if after is None:
            answers = self.relevant_answers()
            return next(
                (
                    q
                    for q in questions
                    if q.required and not is_answer_complete(q, answers.get(q.id))
                ),
                None,
            )
        ids = [q.id for q in questions]
        if after not in ids:
            return self.next_question()
        index = ids.index(after)
        return questions[index + 1] if index + 1 < len(questions) else None

    def previous_question(self, before: str) -> Question | None:
        questions = self.applicable_questions()
        ids = [q.id for q in questions]
        if before not in ids:
            return None
        index = ids.index(before)
        return questions[index - 1] if index > 0 else None

    def can_visit(self, question_id: str) -> bool:
        """A question may be visited when it is on the route and every required question before
        it has been answered: no deep-linking past an unanswered question."""
        answers = self.relevant_answers()
        for question in self.applicable_questions():
            if question.id == question_id:
                return True
            if question.required and not is_answer_complete(question, answers.get(question.id)):
                return False
        return False


def relevant_fields(question: Question, answer: AnswerFields | None) -> AnswerFields | None:
    """The answer with any follow-up that its main value does not reveal removed."""
    if answer is None or answer.get(MAIN_FIELD) in (None, ""):
        return None
    shown = {f.id for f in question.follow_ups_for(answer.get(MAIN_FIELD))}
    return {k: v for k, v in answer.items() if k == MAIN_FIELD or k in shown}


def is_answer_complete(question: Question, answer: AnswerFields | None) -> bool:
    answer = relevant_fields(question, answer)
    if answer is None:
        return False
    if question.kind is QuestionKind.RADIOS and question.option(answer[MAIN_FIELD]) is None:
        return False
    for follow_up in question.follow_ups_for(answer[MAIN_FIELD]):
        if answer.get(follow_up.id) in (None, ""):
            return False
    return True
