"""Property tests: for any answers, evaluation never raises and the route stays coherent; for
anything typed into a date, the parser answers with the design system's words and never raises."""

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from questionnaire.engine.answers import parse_answer
from questionnaire.engine.journey import Journey, is_answer_complete
from questionnaire.engine.loader import load_definition
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import QuestionKind
from tests.conftest import DEFINITION_PATH, TODAY

DEFINITION = load_definition(DEFINITION_PATH)


def answer_for(question):
    text = st.text(max_size=30)
    if question.kind is QuestionKind.RADIOS:
        values = [o.value for o in question.options]
        main = st.sampled_from([*values, "", "bogus"])
        follow = {
            f.id: st.sampled_from([o.value for o in f.options] + [""]) if f.options else text
            for f in question.follow_ups
        }
        return st.fixed_dictionaries({"value": main}, optional=follow)
    if question.kind is QuestionKind.DATE:
        return st.fixed_dictionaries({"value": st.dates().map(lambda d: d.isoformat())})
    if question.kind is QuestionKind.CHECKBOX:
        return st.fixed_dictionaries({"value": st.sampled_from(["yes", ""])})
    return st.fixed_dictionaries({"value": text})


answer_steps = st.lists(
    st.sampled_from(DEFINITION.questions).flatmap(
        lambda q: st.tuples(st.just(q.id), answer_for(q))
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(steps=answer_steps, today=st.dates())
def test_any_sequence_of_answers_evaluates_without_raising(steps, today):
    answers = {}
    for question_id, value in steps:
        answers[question_id] = value
        journey = Journey(definition=DEFINITION, answers=answers, today=today)
        result = evaluate(journey)

        route = journey.applicable_questions()
        route_ids = [q.id for q in route]
        relevant = journey.relevant_answers()
        # the route starts with question 1 and never mixes the two roles' sets
        assert route_ids[0] == "role"
        assert not (
            any(i.startswith("s_") for i in route_ids)
            and any(i.startswith("c_") for i in route_ids)
        )
        # only answers on the route count, and every outcome is about a question on the route
        assert set(relevant) <= set(route_ids)
        for rule in [*result.blocks, *result.pauses, *result.flags, *result.notes]:
            assert rule.question in route_ids
        # completeness agrees with the unanswered list
        assert journey.is_complete() == (journey.unanswered() == [])
        # the next question to visit is always visitable
        following = journey.next_question()
        if following is not None:
            assert journey.can_visit(following.id)
            assert not is_answer_complete(following, relevant.get(following.id))


@settings(max_examples=200, deadline=None)
@given(steps=answer_steps)
def test_evaluation_is_a_function_of_the_relevant_answers_only(steps):
    answers = dict(steps)
    journey = Journey(definition=DEFINITION, answers=answers, today=TODAY)
    pruned = Journey(definition=DEFINITION, answers=journey.relevant_answers(), today=TODAY)
    assert [r.id for r in evaluate(journey).blocks] == [r.id for r in evaluate(pruned).blocks]
    assert [r.id for r in evaluate(journey).pauses] == [r.id for r in evaluate(pruned).pauses]
    assert journey.is_complete() == pruned.is_complete()


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
