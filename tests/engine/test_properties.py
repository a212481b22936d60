"""Property tests of the engine: journeys walked to the end keep to the definition, however they
are changed afterwards; for anything typed into a date, the parser answers with the design
system's words and never raises.

Each walk answers the question the journey itself says comes next, through the page's parser,
until nothing is left, then is changed (tests/engine/journeys.py). After every step the route,
what is left to answer, where the applicant may go, and the rules' blocks, pauses, flags and notes
are compared with a model of the definition written in the test. The run keeps its own statistics
of what its walks reached (both roles, complete journeys with each outcome, every rule, every kind
of invalid date, checkbox state and text) and asserts them: the examples are the same every run
(derandomize), so the assertion is deterministic and fails if the strategy stops reaching them."""

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from questionnaire.engine.answers import form_data_for, parse_answer
from questionnaire.engine.errors import RuleEvaluationError
from questionnaire.engine.journey import Journey
from questionnaire.engine.loader import load_definition
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import Outcome, QuestionKind
from tests.conftest import DEFINITION_PATH, TODAY
from tests.engine.journey_model import expected
from tests.engine.journeys import (
    CHECKBOX_STATES,
    INVALID_DATES,
    ODD_STORED,
    TEXT_REFUSALS,
    UNREVEALED_FOLLOW_UP,
    WITHOUT_FOLLOW_UP,
    Change,
    Walk,
    walks,
)

DEFINITION = load_definition(DEFINITION_PATH)
ROLE_PREFIX = {"supplier": "s_", "controller": "c_"}

# The same examples every run (derandomize), so that what the run must reach can be asserted.
# Without hypothesis.target: scoring walks made the run climb towards a few of them, and whole
# kinds of invalid date went missing.
JOURNEYS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def ids(questions):
    return [q.id for q in questions]


def outcomes_of(evaluation):
    return {
        Outcome.BLOCK: ids(evaluation.blocks),
        Outcome.PAUSE: ids(evaluation.pauses),
        Outcome.FLAG: ids(evaluation.flags),
        Outcome.NOTE: ids(evaluation.notes),
    }


def check(answers, today, seen):
    """The engine's journey on these answers agrees with the model, and with the hard facts of
    the definition; returns the journey."""
    journey = Journey(definition=DEFINITION, answers=answers, today=today)
    model = expected(DEFINITION, answers, today)
    route = ids(journey.applicable_questions())
    assert route == model.route
    assert journey.relevant_answers() == model.relevant
    assert ids(journey.unanswered()) == model.unanswered
    assert journey.is_complete() == (model.unanswered == [])
    # Whatever the model says: question 1 first, and only the chosen role's questions after it.
    role = model.relevant.get("role", {}).get("value")
    assert route[0] == "role"
    assert all(q.startswith(ROLE_PREFIX[role]) for q in route[1:]) if role else route == ["role"]
    # Where the applicant left off, and no deep-linking past it.
    following = journey.next_question()
    assert (following.id if following else None) == next(iter(model.unanswered), None)
    stop = route.index(following.id) if following else len(route) - 1
    for question in DEFINITION.questions:
        visitable = question.id in route and route.index(question.id) <= stop
        assert journey.can_visit(question.id) == visitable, question.id

    pruned = Journey(definition=DEFINITION, answers=journey.relevant_answers(), today=today)
    assert ids(pruned.applicable_questions()) == route
    assert pruned.is_complete() == journey.is_complete()
    if model.outcomes is None:
        # A date that is not one on the route: the rules refuse to judge, never count it false.
        with pytest.raises(RuleEvaluationError):
            evaluate(journey)
        with pytest.raises(RuleEvaluationError):
            evaluate(pruned)
        seen.add("rules refused: a stored date that is not one")
        return journey
    evaluation = evaluate(journey)
    assert outcomes_of(evaluation) == model.outcomes
    # Only the answers that count decide: blocks, pauses, flags and notes alike.
    assert outcomes_of(evaluate(pruned)) == model.outcomes
    assert evaluation.is_blocked == bool(evaluation.blocks)
    assert evaluation.is_paused == bool(evaluation.pauses)
    for rule in [*evaluation.blocks, *evaluation.pauses, *evaluation.flags, *evaluation.notes]:
        assert rule.question in route
        seen.add(f"rule: {rule.id}")
    if journey.is_complete():
        for outcome, fired in model.outcomes.items():
            if fired:
                seen.add(f"complete, with a {outcome}")
    return journey


def post(page, today):
    """The engine's answer to a page: what it stores, checked against what the page must store."""
    question = DEFINITION.question(page.question)
    if page.data is None:
        with pytest.raises(ValueError, match="not answered by a form"):
            parse_answer(question, {}, today)
        return None
    parsed = parse_answer(question, page.data, today)
    assert parsed.value == page.expected, (page, parsed.errors)
    if page.expected is None:
        assert parsed.errors
        return None
    assert parsed.errors == []
    # The page shows the stored answer again; posting it unchanged stores the same answer.
    again = parse_answer(question, form_data_for(question, parsed.value), today)
    assert again.value == parsed.value
    return parsed.value


def apply(change: Change, answers, today):
    if change.remove:
        answers.pop(change.question, None)
    elif change.stored is not None:
        answers[change.question] = change.stored
    else:
        stored = post(change.page, today)
        if stored is not None:
            answers[change.question] = stored


def walk_and_check(walk: Walk):
    """Replay a walk through the engine, checking every step; the labels of what it reached."""
    seen = {f"role: {walk.role}"}
    answers = {}
    answered = walk.answered
    for page in walk.pages:
        seen.add(page.label)
        stored = post(page, walk.today)
        if page not in answered:
            continue  # refused: nothing stored, nothing to check again
        if stored is not None:
            answers[page.question] = stored
        journey = check(answers, walk.today, seen)
        assert journey.can_visit(page.question)
        following = journey.next_question(after=page.question)
        index = answered.index(page)
        later = answered[index + 1].question if index + 1 < len(answered) else None
        assert (following.id if following else None) == later
    # The walk visited every question on the route once, in order, and ended complete.
    assert [p.question for p in answered] == ids(journey.applicable_questions())
    assert journey.is_complete()
    assert journey.next_question() is None
    seen.add("walk ended complete")

    for change in walk.changes:
        seen.add(change.label)
        apply(change, answers, walk.today)
        journey = check(answers, walk.today, seen)
    seen.add("ends complete" if journey.is_complete() else "ends incomplete")
    return seen


def must_reach(n):
    """What a run of ``n`` walks must reach, and how often: the statistics the test asserts."""
    needs = {"walk ended complete": n, "ends complete": n // 4}
    needs |= {f"role: {role}": n // 5 for role in ROLE_PREFIX}
    needs |= {f"complete, with a {outcome}": 10 for outcome in Outcome}
    needs |= {f"rule: {rule.id}": 3 for rule in DEFINITION.rules}
    needs |= {label: 3 for label in [*INVALID_DATES, *CHECKBOX_STATES, *TEXT_REFUSALS]}
    needs |= {label: 3 for label in ["upload: a file sent", "upload: none"]}
    needs |= {
        label: 3 for label in ["removed", "role switched", WITHOUT_FOLLOW_UP, UNREVEALED_FOLLOW_UP]
    }
    needs |= {label: 3 for label, _ in ODD_STORED[QuestionKind.DATE]}
    needs["rules refused: a stored date that is not one"] = 3
    return needs


def test_journeys_walked_to_the_end_then_changed_keep_to_the_definition():
    reached = Counter()

    @JOURNEYS
    @given(walk=walks(DEFINITION))
    def walk(walk):
        reached.update(walk_and_check(walk))
        reached["examples"] += 1

    walk()
    n = reached["examples"]
    assert n >= JOURNEYS.max_examples * 0.9
    short = {
        label: f"{reached[label]} of {need}"
        for label, need in must_reach(n).items()
        if reached[label] < need
    }
    assert not short, f"the walks did not reach these often enough: {short}; reached: {reached}"


# ---------------------------------------------------------------- what is typed into a date

DATE_QUESTION = DEFINITION.question("s_dspt_published")
NAME = DATE_QUESTION.error_name
REAL = f"{NAME} must be a real date"
PAST = f"{NAME} must be today or in the past"
YEAR = "Year must include 4 numbers"
# Every message a date can get: the design system's date input error messages.
DATE_MESSAGES = {
    DATE_QUESTION.required_error,
    REAL,
    PAST,
    YEAR,
    *(
        f"{NAME} must include a {missing}"
        for missing in ["day", "month", "year", "day and month", "day and year", "month and year"]
    ),
}

boundary_parts = st.sampled_from(
    [
        *["0", "00", "1", "01", "12", "13", "28", "29", "30", "31", "32", "99"],
        *["0000", "0001", "1900", "2000", "2023", "2024", "2026", "2027", "9999", "10000"],
        *["", " ", "   ", "\t", " 1", "1 ", "-1", "+1", "1.0", "1e3", "0x1", "1a", "one"],
        *[
            "\uff12",
            "\u00b2",
            "\u0663",
            "\u0663\u0663\u0663\u0663",
        ],  # fullwidth, superscript, Arabic
    ]
)
# Below 2**31: larger numbers are the separate, known case further down.
number_parts = st.integers(min_value=0, max_value=10**9 - 1).map(str)
date_part = st.one_of(boundary_parts, number_parts, st.text(max_size=6))


def parse_date(day, month, year, today=TODAY):
    data = {"answer-day": day, "answer-month": month, "answer-year": year}
    return parse_answer(DATE_QUESTION, data, today)


def real_date(day, month, year):
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@settings(max_examples=1000, deadline=None)
@given(day=date_part, month=date_part, year=date_part)
@example(day="31", month="2", year="2025")
@example(day="29", month="2", year="2023")
@example(day="29", month="2", year="1900")
@example(day="29", month="2", year="2024")
@example(day="0", month="1", year="2024")
@example(day="1", month="13", year="2024")
@example(day="1", month="1", year="0000")
@example(day="1", month="1", year="10000")
def test_any_date_input_gets_a_design_system_message_and_never_raises(day, month, year):
    parsed = parse_date(day, month, year)
    parts = [p.strip() for p in (day, month, year)]
    if parsed.is_valid:
        assert parsed.errors == []
        value = date.fromisoformat(parsed.value["value"])
        assert value <= TODAY
        assert (value.day, value.month, value.year) == tuple(int(p) for p in parts)
    else:
        assert parsed.value is None
        assert len(parsed.errors) == 1
        assert parsed.errors[0].message in DATE_MESSAGES
    # Where every part is plain digits and the year has 4, the answer is exactly the calendar's.
    if all(p.isascii() and p.isdigit() for p in parts) and len(parts[2]) == 4:
        real = real_date(*parts)
        if real is None:
            assert [e.message for e in parsed.errors] == [REAL]
        elif real > TODAY:
            assert [e.message for e in parsed.errors] == [PAST]
        else:
            assert parsed.value == {"value": real.isoformat()}


@settings(max_examples=300, deadline=None)
@given(value=st.dates(), today=st.dates())
def test_every_real_date_is_accepted_up_to_today(value, today):
    parsed = parse_date(str(value.day), f"{value.month:02d}", f"{value.year:04d}", today)
    if value <= today:
        assert parsed.value == {"value": value.isoformat()}
    else:
        assert [e.message for e in parsed.errors] == [PAST]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2025", REAL),
        ("30", "2", "2024", REAL),
        ("29", "2", "2023", REAL),  # not a leap year
        ("29", "2", "1900", REAL),  # a century, not a leap year
        ("0", "1", "2024", REAL),
        ("1", "0", "2024", REAL),
        ("1", "13", "2024", REAL),
        ("1", "1", "0000", REAL),
        ("1", "1", "10000", YEAR),
        ("1", "1", "99999999999999999999", YEAR),
        ("a", "1", "2024", REAL),
        ("1", "Jan", "2024", REAL),
        ("1", "1", "twenty", REAL),
        ("", "", "", DATE_QUESTION.required_error),
        ("  ", "\t", " ", DATE_QUESTION.required_error),
        ("", "1", "2024", f"{NAME} must include a day"),
        ("1", " ", "", f"{NAME} must include a month and year"),
        ("99999999999999999999", "1", "2024", REAL),
        ("1", "99999999999999999999", "2024", REAL),
    ],
)
def test_invalid_and_boundary_dates_get_the_design_system_message(day, month, year, message):
    parsed = parse_date(day, month, year)
    assert parsed.value is None
    assert [e.message for e in parsed.errors] == [message]


@pytest.mark.parametrize(("day", "month", "year"), [("29", "2", "2024"), ("29", "2", "2000")])
def test_29_february_in_a_leap_year_is_real(day, month, year):
    assert parse_date(day, month, year).value == {"value": f"{year}-02-29"}


@settings(max_examples=100, deadline=None)
@given(
    huge=st.integers(min_value=2**31, max_value=10**40).map(str),
    which=st.sampled_from(["day", "month"]),
)
def test_huge_numbers_get_a_message_and_never_raise(huge, which):
    parts = {"day": "1", "month": "1", "year": "2024", which: huge}
    parsed = parse_date(parts["day"], parts["month"], parts["year"])
    assert [e.message for e in parsed.errors] == [REAL]
