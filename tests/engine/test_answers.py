import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.engine.answers import display_value, parse_answer
from tests.conftest import TODAY

DATE_NAME = "The date your organisation's DSPT status was published"


def parse(definition, question_id, data):
    return parse_answer(definition.question(question_id), data, TODAY)


def messages(parsed):
    return [e.message for e in parsed.errors]


@pytest.mark.parametrize(
    ("data", "message", "parts"),
    [
        (
            {},
            "Enter the date your organisation's DSPT status was published",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "1", "answer-year": "2026"},
            f"{DATE_NAME} must include a month",
            {"month"},
        ),
        ({"answer-month": "1"}, f"{DATE_NAME} must include a day and year", {"day", "year"}),
        (
            {"answer-day": "31", "answer-month": "2", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "1", "answer-month": "13", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "x", "answer-month": "1", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day"},
        ),
        (
            {"answer-day": "99999999999999999999", "answer-month": "1", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "1", "answer-month": "2147483648", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "9" * 5000, "answer-month": "1", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "\u00b2", "answer-month": "1", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            {"day", "month", "year"},
        ),
        (
            {"answer-day": "1", "answer-month": "1", "answer-year": "26"},
            "Year must include 4 numbers",
            {"year"},
        ),
        (
            {"answer-day": "28", "answer-month": "11", "answer-year": "2026"},
            f"{DATE_NAME} must be today or in the past",
            {"day", "month", "year"},
        ),
    ],
)
def test_date_errors_use_design_system_wording(definition, data, message, parts):
    parsed = parse(definition, "c_dspt_published", data)
    assert messages(parsed) == [message]
    assert parsed.errors[0].date_parts == parts
    assert parsed.errors[0].input_id == f"answer-{min(parts, key=['day', 'month', 'year'].index)}"
    assert parsed.value is None


def test_today_is_an_acceptable_date(definition):
    parsed = parse(
        definition,
        "c_dspt_published",
        {"answer-day": "27", "answer-month": "11", "answer-year": "2026"},
    )
    assert parsed.value == {"value": "2026-11-27"}


def test_leap_day_is_a_real_date(definition):
    parsed = parse(
        definition,
        "c_dspt_published",
        {"answer-day": "29", "answer-month": "02", "answer-year": "2024"},
    )
    assert parsed.value == {"value": "2024-02-29"}


def test_radios_need_a_choice(definition):
    assert messages(parse(definition, "s_isms", {})) == [
        "Select yes if you have a formal and documented Information Security Management System "
        "in place which covers the scope of the Consumer System"
    ]
    assert messages(parse(definition, "s_isms", {"answer": "maybe"}))[0].startswith("Select yes if")


def test_text_is_required_and_limited_to_2000_characters(definition):
    assert messages(parse(definition, "s_cso", {"answer": "   "})) == [
        "Enter the name and professional registration of your Clinical Safety Officer"
    ]
    assert messages(parse(definition, "s_cso", {"answer": "a" * 2001})) == [
        "The name and professional registration of your Clinical Safety Officer must be 2,000 "
        "characters or fewer"
    ]
    assert parse(definition, "s_cso", {"answer": "a" * 2000}).is_valid


def test_line_breaks_count_once_like_the_character_count(definition):
    text = "a\r\n" * 666 + "ab"  # 666*2 + 2 = 1334 characters once CRLF becomes LF
    parsed = parse(definition, "c_csos", {"answer": text})
    assert parsed.is_valid
    assert "\r" not in parsed.value["value"]


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        ("s_medical_device", {"answer": "yes"}, "Select the classification of your medical device"),
        (
            "s_medical_device",
            {"answer": "no"},
            "Enter a justification for why your product or service is not a medical device",
        ),
        (
            "s_medical_device",
            {"answer": "no", "justification": "x" * 2001},
            "Justification must be 2,000 characters or fewer",
        ),
        ("c_dpia", {"answer": "confirmed"}, "Select who signed off the DPIA"),
        (
            "c_clinical_approval",
            {"answer": "confirmed", "approved_by": "someone"},
            "Select who reviewed and approved the deployment",
        ),
        (
            "c_incident_management",
            {"answer": "yes"},
            "Enter a description of your incident management process",
        ),
        ("role", {"answer": "supplier", "product_version": "1"}, "Enter the product name"),
    ],
)
def test_revealed_follow_up_left_empty(definition, question, data, message):
    parsed = parse(definition, question, data)
    assert messages(parsed) == [message]
    assert parsed.errors[0].input_id == parsed.errors[0].field != "value"


def test_follow_ups_not_revealed_are_dropped(definition):
    parsed = parse(
        definition,
        "s_medical_device",
        {"answer": "yes", "device_class": "class_iii", "justification": "ignored"},
    )
    assert parsed.value == {"value": "yes", "device_class": "class_iii"}


def test_checkbox_must_be_ticked(definition):
    assert messages(parse(definition, "c_data_validation", {})) == [
        "Confirm that you acknowledge your organisation's responsibility to validate data before "
        "sending it to NIR"
    ]
    assert parse(definition, "c_data_validation", {"answer": "yes"}).value == {"value": "yes"}


def test_no_message_says_invalid_or_field_is_required(definition):
    for question in definition.questions:
        for text in [question.required_error, *(f.required_error for f in question.follow_ups)]:
            assert "invalid" not in text.lower()
            assert "this field is required" not in text.lower()
            assert text.split()[0] in {"Select", "Enter", "Confirm"}, text


def test_display_value_reads_like_the_answer(definition):
    q = definition.question("s_medical_device")
    assert display_value(q, {"value": "yes", "device_class": "class_iib"}) == [
        "Yes",
        "Classification: Class IIb",
    ]
    dpia = definition.question("c_dpia")
    assert display_value(dpia, {"value": "confirmed", "signed_off_by": "siro"}) == [
        "Yes, I confirm",
        "Who signed off the DPIA: Senior Information Risk Owner (SIRO)",
    ]
    d = definition.question("c_dspt_published")
    assert display_value(d, {"value": "2026-07-01"}) == ["1 July 2026"]
    assert display_value(d, None) == []


@pytest.mark.parametrize(
    ("question_id", "data"),
    [
        ("c_dspt_published", {"answer-day": "1", "answer-month": "7", "answer-year": "2026"}),
        ("s_medical_device", {"answer": "no", "justification": "Registry lookup only"}),
        ("c_dpia", {"answer": "confirmed", "signed_off_by": "caldicott_guardian"}),
        ("c_csos", {"answer": "Dr A\nDr B"}),
        ("c_data_validation", {"answer": "yes"}),
    ],
)
def test_form_data_for_is_the_inverse_of_parse_answer(definition, question_id, data):
    from questionnaire.engine.answers import form_data_for

    question = definition.question(question_id)
    stored = parse(definition, question_id, data).value
    assert form_data_for(question, stored) == data
    assert parse(definition, question_id, form_data_for(question, stored)).value == stored


date_part = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["2147483648", "9223372036854775808", "\u00b2", "\u0661\u0662", "0"]),
)


@settings(max_examples=300, deadline=None)
@given(day=date_part, month=date_part, year=date_part)
def test_any_date_parts_give_a_date_or_an_error_never_an_exception(definition, day, month, year):
    parsed = parse(
        definition,
        "s_dspt_published",
        {"answer-day": day, "answer-month": month, "answer-year": year},
    )
    assert parsed.is_valid != bool(parsed.errors)
    if parsed.errors:
        assert parsed.errors[0].message.startswith(("Enter ", DATE_NAME, "Year "))
