from datetime import date

from questionnaire.engine.journey import Journey
from tests.answer_sets import CONTROLLER, SUPPLIER, as_engine_answers
from tests.conftest import TODAY


def journey(definition, answers):
    return Journey(definition=definition, answers=answers, today=TODAY)


def ids(questions):
    return [q.id for q in questions]


def test_before_question_1_only_question_1_applies(definition):
    j = journey(definition, {})
    assert ids(j.applicable_questions()) == ["role"]
    assert j.next_question().id == "role"
    assert not j.is_complete()


def test_question_1_picks_the_supplier_set(definition):
    j = journey(definition, {"role": {"value": "supplier"}})
    route = ids(j.applicable_questions())
    assert route[0] == "role"
    assert all(q.startswith("s_") for q in route[1:])
    # The publication date appears only once a status other than Not Published is given
    assert "s_dspt_published" not in route


def test_question_1_picks_the_controller_set(definition):
    j = journey(definition, {"role": {"value": "controller"}})
    route = ids(j.applicable_questions())
    assert all(q.startswith("c_") for q in route[1:])
    assert "c_aup" in route and "c_nhs_numbers" in route


def test_date_question_follows_a_published_status(definition):
    base = {"role": {"value": "controller"}}
    published = journey(definition, {**base, "c_dspt_status": {"value": "standards_met"}})
    assert "c_dspt_published" in ids(published.applicable_questions())
    unpublished = journey(definition, {**base, "c_dspt_status": {"value": "not_published"}})
    assert "c_dspt_published" not in ids(unpublished.applicable_questions())


def test_no_deep_linking_past_an_unanswered_question(definition):
    j = journey(
        definition, {"role": {"value": "supplier", "product_name": "P", "product_version": "1"}}
    )
    assert j.can_visit("role")
    assert j.can_visit("s_isms")
    assert not j.can_visit("s_dspt_status")
    assert not j.can_visit("s_pki")
    assert not j.can_visit("c_dpia")  # the other role's question is not on the route
    assert not j.can_visit("nonexistent")


def test_answers_on_the_other_branch_are_pruned(definition):
    answers = as_engine_answers(definition, SUPPLIER, TODAY)
    answers["c_privacy_notice"] = {"value": "no"}  # left over from a controller route
    j = journey(definition, answers)
    assert "c_privacy_notice" not in j.relevant_answers()
    assert j.is_complete()


def test_switching_role_leaves_the_old_answers_out_of_completeness(definition):
    answers = as_engine_answers(definition, SUPPLIER, TODAY)
    answers["role"] = {"value": "controller"}
    j = journey(definition, answers)
    assert not j.is_complete()
    assert j.next_question().id == "c_dspt_status"
    assert not any(q.startswith("s_") for q in j.relevant_answers())


def test_follow_up_not_revealed_is_pruned(definition):
    answers = as_engine_answers(definition, SUPPLIER, TODAY)
    answers["s_medical_device"] = {"value": "yes", "device_class": "class_i", "justification": "x"}
    relevant = journey(definition, answers).relevant_answers()
    assert relevant["s_medical_device"] == {"value": "yes", "device_class": "class_i"}


def test_revealed_follow_up_left_empty_is_incomplete(definition):
    answers = as_engine_answers(definition, SUPPLIER, TODAY)
    answers["s_medical_device"] = {"value": "no"}
    j = journey(definition, answers)
    assert not j.is_complete()
    assert ids(j.unanswered()) == ["s_medical_device"]


def test_full_sets_are_complete_and_the_optional_upload_does_not_stop_them(definition):
    for pages in (SUPPLIER, CONTROLLER):
        j = journey(definition, as_engine_answers(definition, pages, TODAY))
        assert j.is_complete(), ids(j.unanswered())
        assert j.next_question() is None


def test_next_and_previous_follow_the_route(definition):
    j = journey(definition, as_engine_answers(definition, CONTROLLER, TODAY))
    assert j.next_question(after="role").id == "c_dspt_status"
    assert j.next_question(after="c_nhs_numbers") is None
    assert j.previous_question("c_dspt_status").id == "role"
    assert j.previous_question("role") is None


def test_an_answer_outside_the_options_is_not_complete(definition):
    j = journey(definition, {"role": {"value": "astronaut"}})
    assert not j.is_answered(definition.question("role"))
    assert ids(j.applicable_questions()) == ["role"]


def test_dates_other_than_today_do_not_change_the_route(definition):
    answers = as_engine_answers(definition, CONTROLLER, TODAY)
    later = Journey(definition=definition, answers=answers, today=date(2030, 1, 1))
    assert ids(later.applicable_questions()) == ids(
        journey(definition, answers).applicable_questions()
    )
