"""Browser steps for each role, built from the same answers the other tests use, in the terms a
person sees: the question's heading and the labels of the options and fields they fill in."""

import re

from questionnaire.engine.people import REGISTERED_ROLES
from questionnaire.engine.schema import FollowUpKind, QuestionKind
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.system.browser_user import BrowserStep


def browser_steps(definition, pages):
    steps = []
    for question_id, data in pages:
        question = definition.question(question_id)
        if question.kind is QuestionKind.FILE:
            # Go on without uploading: the page's one primary button, "Continue".
            steps.append(BrowserStep(" ".join(question.text.split()), [], "Continue"))
            continue
        heading = " ".join(question.text.split())
        actions: list[tuple[str, ...]] = []
        if question.kind is QuestionKind.RADIOS:
            actions.append(("choose", question.option(data["answer"]).label))
            for follow_up in question.follow_ups_for(data["answer"]):
                value = data[follow_up.id]
                if follow_up.kind is FollowUpKind.RADIOS:
                    label = next(o.label for o in follow_up.options if o.value == value)
                    actions.append(("choose", label))
                else:
                    actions.append(("fill", follow_up.label, value))
        elif question.kind is QuestionKind.DATE:
            for part in ("day", "month", "year"):
                actions.append(("fill", part.capitalize(), data[f"answer-{part}"]))
        elif question.kind is QuestionKind.TEXT and question.names_role is not None:
            # The question records the first person named in the key personnel (ADR 0038).
            name = data["answer"].splitlines()[0].split(",")[0]
            email = re.sub(r"[^a-z]+", ".", name.lower()).strip(".") + "@trust.example"
            actions.extend(
                [
                    ("fill", "Full name", name),
                    ("fill", "Job title", question.names_role.label),
                    ("fill", "Email address", email),
                ]
            )
            if question.names_role in REGISTERED_ROLES:
                actions.extend(
                    [
                        ("fill", "Professional body", "General Medical Council"),
                        ("fill", "Registration number", "1234567"),
                    ]
                )
        elif question.kind is QuestionKind.TEXT:
            actions.append(("fill", re.compile(re.escape(heading)), data["answer"]))
        elif question.kind is QuestionKind.CHECKBOX:
            actions.append(("tick", " ".join(question.checkbox_label.split())))
        steps.append(BrowserStep(heading, actions))
    return steps


def supplier_steps(definition):
    return browser_steps(definition, SUPPLIER)


def controller_steps(definition):
    return browser_steps(definition, CONTROLLER)
