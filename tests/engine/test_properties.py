"""Property tests: for any answers, evaluation never raises and the route stays coherent."""

from hypothesis import given, settings
from hypothesis import strategies as st

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
        for rule in [*result.blocks, *result.pauses, *result.flags]:
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
