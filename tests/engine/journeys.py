"""Journeys for the engine's property tests: strategies that answer the questionnaire the way an
applicant does (the model they are checked against is in tests/engine/journey_model.py).

A walk starts at question 1 and answers, each time, the question the journey itself says comes
next, with what that question's page would post (a valid value for its kind), until the journey
says there is nothing left: so every walk ends complete. Perturbations then change it: a page
posted again with valid or invalid input, an answer removed, the role switched, or a stored value
that no page makes (an answer from an older definition, a date that is not a date).

Every page and perturbation carries a label (``"date: 31 February"``, ``"checkbox: unchecked"``)
so that the test can count what its examples reached."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st

from questionnaire.engine.journey import Journey
from questionnaire.engine.schema import (
    Definition,
    FollowUp,
    FollowUpKind,
    Question,
    QuestionKind,
)

Answer = dict[str, str]


@dataclass(frozen=True)
class Page:
    """What one question's page posts, and what the engine must store from it (None: refused)."""

    question: str
    label: str
    data: dict[str, str] | None  # None: a file question's page, which posts no form
    expected: Answer | None


@dataclass(frozen=True)
class Change:
    """One perturbation of a finished walk."""

    label: str
    question: str
    page: Page | None = None  # posted through the page
    stored: Answer | None = None  # put straight into storage
    remove: bool = False


@dataclass(frozen=True)
class Walk:
    today: date
    pages: list[Page]
    changes: list[Change]

    @property
    def answered(self) -> list[Page]:
        """The pages that answered their question (or, for a file, went on): one per question."""
        return [p for p in self.pages if p.expected is not None or p.data is None]

    @property
    def role(self) -> str:
        first = self.answered[0].expected
        assert first is not None
        return first["value"]


# ------------------------------------------------------------------------------- what is typed

# Text as a person types it: any printable character of any script, tabs and line breaks, and
# never a control character (the web layer removes those before the engine sees them, ADR 0007).
TYPED = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\t\n")


def normalised(text: str) -> str:
    """What the engine keeps of typed text: CRLF as one line feed, no space at either end."""
    return text.replace("\r\n", "\n").strip()


def typed_text(limit: int) -> st.SearchStrategy[str]:
    """Text that is a valid answer to a field of ``limit`` characters: not blank, and within the
    limit once its line breaks and outer spaces are normalised (browsers send CRLF)."""
    short = st.text(TYPED, min_size=1, max_size=min(limit, 40)).filter(lambda t: t.strip())
    # Exactly the limit once normalised: the CRLF counts as one character, the spaces as none.
    at_limit = st.just(f"  {'x' * (limit - 2)}\r\ny\r\n")
    return st.one_of(short, short.map(lambda t: t.replace("\n", "\r\n")), at_limit)


# Text a field of ``limit`` characters must refuse. CRLF counts as one character, so the last is
# one over the limit too.
TEXT_REFUSALS: dict[str, Callable[[int], str]] = {
    "text: empty": lambda limit: "",
    "text: only spaces": lambda limit: " \t\r\n ",
    "text: one over the limit": lambda limit: "x" * (limit + 1),
    "text: over the limit in line breaks": lambda limit: "x" * limit + "\r\ny",
}


# ------------------------------------------------------------------------------ pages, by kind


def _follow_up_value(follow_up: FollowUp) -> st.SearchStrategy[tuple[str, str]]:
    """A valid value for a revealed follow-up: what is posted and what is stored."""
    if follow_up.kind is FollowUpKind.RADIOS:
        return st.sampled_from([(o.value, o.value) for o in follow_up.options])
    assert follow_up.max_length is not None
    return typed_text(follow_up.max_length).map(lambda t: (t, normalised(t)))


@st.composite
def radios_page(draw: st.DrawFn, question: Question, *, valid: bool) -> Page:
    choice = draw(st.sampled_from([o.value for o in question.options]))
    data = {"answer": choice}
    expected = {"value": choice}
    label = "radios: answered"
    for follow_up in question.follow_ups:
        if choice in follow_up.shown_when:
            posted, stored = draw(_follow_up_value(follow_up))
            data[follow_up.id] = posted
            expected[follow_up.id] = stored
        elif draw(st.booleans()):
            # A follow-up beneath another option is hidden, not removed: browsers post it too.
            data[follow_up.id] = draw(st.text(max_size=5))
    if not valid:
        revealed = question.follow_ups_for(choice)
        wrong = ["main: not an option", "main: empty", "main: missing"]
        if revealed:
            wrong += ["follow-up: empty", "follow-up: wrong"]
        how = draw(st.sampled_from(wrong))
        label = f"radios {how}"
        if how == "main: not an option":
            data["answer"] = draw(st.sampled_from(["bogus", choice.upper(), f" {choice}", "1"]))
        elif how == "main: empty":
            data["answer"] = ""
        elif how == "main: missing":
            del data["answer"]
        else:
            follow_up = draw(st.sampled_from(revealed))
            if how == "follow-up: empty" or follow_up.kind is FollowUpKind.RADIOS:
                data[follow_up.id] = "" if how == "follow-up: empty" else "bogus"
            else:
                assert follow_up.max_length is not None
                data[follow_up.id] = TEXT_REFUSALS[draw(st.sampled_from(sorted(TEXT_REFUSALS)))](
                    follow_up.max_length
                )
        expected = None
    return Page(question.id, label, data, expected)


def _date_parts(value: date) -> st.SearchStrategy[dict[str, str]]:
    """A real date as a person might type it: with or without leading zeros, spaces around."""

    def part(number: int, width: int) -> st.SearchStrategy[str]:
        plain = st.sampled_from([str(number), f"{number:0{width}d}"])
        return st.tuples(st.sampled_from(["", " "]), plain, st.sampled_from(["", " "])).map("".join)

    return st.fixed_dictionaries(
        {
            "answer-day": part(value.day, 2),
            "answer-month": part(value.month, 2),
            "answer-year": st.just(f"{value.year:04d}"),
        }
    )


# Each kind of date that is not one, as the page posts it; {y} is a year before today's.
INVALID_DATES = {
    "date: 31 February": {"answer-day": "31", "answer-month": "2", "answer-year": "{y}"},
    "date: 29 February, not a leap year": {
        "answer-day": "29",
        "answer-month": "2",
        "answer-year": "2023",
    },
    "date: month 13": {"answer-day": "1", "answer-month": "13", "answer-year": "{y}"},
    "date: day 0": {"answer-day": "0", "answer-month": "1", "answer-year": "{y}"},
    "date: empty": {"answer-day": "", "answer-month": "", "answer-year": ""},
    "date: not sent": {},
    "date: a part missing": {"answer-day": "1", "answer-month": "", "answer-year": "{y}"},
    "date: text": {"answer-day": "one", "answer-month": "Jan", "answer-year": "twenty"},
    "date: two-digit year": {"answer-day": "1", "answer-month": "1", "answer-year": "26"},
    "date: tomorrow": {},  # filled in from today
}


@st.composite
def date_page(draw: st.DrawFn, question: Question, today: date, *, valid: bool) -> Page:
    if valid:
        # A publication is current until the second deadline after it: up to a year ago it is
        # mostly current, up to two years either, and before that lapsed.
        days_ago = draw(
            st.one_of(st.integers(0, 365), st.integers(366, 730), st.integers(731, 1100))
        )
        published = today - timedelta(days=days_ago)
        data = draw(_date_parts(published))
        return Page(question.id, "date: real", data, {"value": published.isoformat()})
    return refused_date(question, today, draw(st.sampled_from(sorted(INVALID_DATES))))


def refused_date(question: Question, today: date, label: str) -> Page:
    year = str(today.year - 1)
    data = {k: v.replace("{y}", year) for k, v in INVALID_DATES[label].items()}
    if label == "date: tomorrow":
        tomorrow = today + timedelta(days=1)
        data = {
            "answer-day": str(tomorrow.day),
            "answer-month": str(tomorrow.month),
            "answer-year": str(tomorrow.year),
        }
    return Page(question.id, label, data, None)


# A checkbox's every state: ticked (the browser posts its value), not ticked (posts nothing), and
# what no browser of ours sends.
CHECKBOX_STATES = {
    "checkbox: ticked": {"answer": "yes"},
    "checkbox: not ticked": {},
    "checkbox: empty": {"answer": ""},
    "checkbox: another value": {"answer": "on"},
    "checkbox: capitalised": {"answer": "Yes"},
}


def checkbox_page(question: Question, *, valid: bool) -> st.SearchStrategy[Page]:
    states = ["checkbox: ticked"] if valid else CHECKBOX_REFUSALS
    return st.sampled_from(states).map(lambda state: checkbox_state(question, state))


def checkbox_state(question: Question, state: str) -> Page:
    stored = {"value": "yes"} if state == "checkbox: ticked" else None
    return Page(question.id, state, dict(CHECKBOX_STATES[state]), stored)


CHECKBOX_REFUSALS = sorted(set(CHECKBOX_STATES) - {"checkbox: ticked"})


def text_page(question: Question, *, valid: bool) -> st.SearchStrategy[Page]:
    assert question.max_length is not None
    good = typed_text(question.max_length).map(
        lambda t: Page(question.id, "text: typed", {"answer": t}, {"value": normalised(t)})
    )
    if valid:
        return good
    return st.sampled_from(sorted(TEXT_REFUSALS)).map(lambda label: refused_text(question, label))


def refused_text(question: Question, label: str) -> Page:
    assert question.max_length is not None
    return Page(question.id, label, {"answer": TEXT_REFUSALS[label](question.max_length)}, None)


def mistakes(question: Question, today: date) -> st.SearchStrategy[list[Page]]:
    """What a person may send a page before getting it right: things it must refuse. For dates,
    checkboxes and text, a shuffled handful of every kind of refusal there is, each kind once, so
    that every kind is reached in a run however its examples cluster."""
    kinds: dict[QuestionKind, tuple[list[str], Callable[[str], Page]]] = {
        QuestionKind.DATE: (sorted(INVALID_DATES), lambda k: refused_date(question, today, k)),
        QuestionKind.CHECKBOX: (CHECKBOX_REFUSALS, lambda k: checkbox_state(question, k)),
        QuestionKind.TEXT: (sorted(TEXT_REFUSALS), lambda k: refused_text(question, k)),
    }
    if question.kind is QuestionKind.FILE:
        return st.just([])
    if question.kind not in kinds:
        return st.lists(page_for(question, today, valid=False), max_size=2)
    labels, build = kinds[question.kind]
    return st.tuples(st.permutations(labels), st.integers(0, len(labels))).map(
        lambda order_count: [build(label) for label in order_count[0][: order_count[1]]]
    )


def file_page(question: Question) -> st.SearchStrategy[Page]:
    """A file question stores no answer: the file is evidence, kept apart (ADR 0008). The
    applicant uploads one or goes on without; to the engine the two are the same."""
    return st.sampled_from(["upload: a file sent", "upload: none"]).map(
        lambda s: Page(question.id, s, None, None)
    )


def page_for(question: Question, today: date, *, valid: bool) -> st.SearchStrategy[Page]:
    if question.kind is QuestionKind.RADIOS:
        return radios_page(question, valid=valid)
    if question.kind is QuestionKind.DATE:
        return date_page(question, today, valid=valid)
    if question.kind is QuestionKind.CHECKBOX:
        return checkbox_page(question, valid=valid)
    if question.kind is QuestionKind.TEXT:
        return text_page(question, valid=valid)
    return file_page(question)


def any_page(question: Question, today: date) -> st.SearchStrategy[Page]:
    return st.one_of(page_for(question, today, valid=True), page_for(question, today, valid=False))


# -------------------------------------------------------------------------------- the walk


# Stored values no page makes: an answer carried over from another definition, a date that is
# not one. A date that is not ISO must make the rules refuse to judge, never count as false.
ODD_STORED = {
    QuestionKind.DATE: [
        ("stored date: 31 February", "2026-02-31"),
        ("stored date: month 13", "2026-13-01"),
        ("stored date: text", "last June"),
        ("stored date: day first", "01/06/2026"),
        ("stored date: empty", ""),
    ],
    QuestionKind.RADIOS: [("stored: not an option", "bogus"), ("stored: empty", "")],
    QuestionKind.TEXT: [("stored: empty", "")],
    QuestionKind.CHECKBOX: [("stored: not yes", "no"), ("stored: empty", "")],
    QuestionKind.FILE: [("stored: a file question's answer", "evidence.pdf")],
}


WITHOUT_FOLLOW_UP = "stored: an option without its follow-up"
UNREVEALED_FOLLOW_UP = "stored: a follow-up its option does not reveal"


def change_kinds(
    definition: Definition, today: date, role: str, route: list[str]
) -> dict[str, st.SearchStrategy[Change]]:
    """The kinds of change to a finished walk, mostly to questions on its route (where a change
    counts)."""
    anywhere = st.sampled_from(definition.questions)
    on_route = st.sampled_from([definition.question(q) for q in route])
    dates = st.sampled_from([q for q in definition.questions if q.kind is QuestionKind.DATE])
    with_follow_ups = [definition.question(q) for q in route if definition.question(q).follow_ups]
    other = "controller" if role == "supplier" else "supplier"
    role_question = definition.question("role")

    def posted(question: Question) -> st.SearchStrategy[Change]:
        return any_page(question, today).map(
            lambda p: Change(f"page: {p.label}", question.id, page=p)
        )

    def stored(question: Question) -> st.SearchStrategy[Change]:
        return st.sampled_from(ODD_STORED[question.kind]).map(
            lambda lv: Change(lv[0], question.id, stored={"value": lv[1]})
        )

    switch = radios_page(role_question, valid=True).filter(
        lambda p: p.expected is not None and p.expected["value"] == other
    )
    return {
        "posted on the route": on_route.flatmap(posted),
        "posted anywhere": anywhere.flatmap(posted),
        "stored on the route": on_route.flatmap(stored),
        # An answer whose option changed, keeping the follow-up of the option it had.
        UNREVEALED_FOLLOW_UP: st.sampled_from(with_follow_ups).flatmap(
            lambda q: st.sampled_from(
                [
                    (f, o.value)
                    for f in q.follow_ups
                    for o in q.options
                    if o.value not in f.shown_when
                ]
            ).map(
                lambda fo: Change(
                    UNREVEALED_FOLLOW_UP, q.id, stored={"value": fo[1], fo[0].id: "kept"}
                )
            )
        ),
        # An answer from a version of the questionnaire that did not ask the follow-up yet.
        WITHOUT_FOLLOW_UP: st.sampled_from(with_follow_ups).flatmap(
            lambda q: st.sampled_from(q.follow_ups).map(
                lambda f: Change(WITHOUT_FOLLOW_UP, q.id, stored={"value": f.shown_when[0]})
            )
        ),
        **{
            label: dates.map(lambda q, v=value, lb=label: Change(lb, q.id, stored={"value": v}))
            for label, value in ODD_STORED[QuestionKind.DATE]
        },
        "removed": st.one_of(on_route, anywhere).map(
            lambda q: Change("removed", q.id, remove=True)
        ),
        "role switched": switch.map(lambda p: Change("role switched", "role", page=p)),
    }


def changes(
    definition: Definition, today: date, role: str, route: list[str], most: int
) -> st.SearchStrategy[list[Change]]:
    """Up to ``most`` changes, each of a different kind, the kinds in a shuffled order (so that
    every kind is reached in a run however the examples cluster)."""
    kinds = change_kinds(definition, today, role, route)
    order = st.tuples(st.permutations(sorted(kinds)), st.integers(0, most))
    return order.flatmap(lambda o: st.tuples(*(kinds[k] for k in o[0][: o[1]])).map(list))


@st.composite
def walks(draw: st.DrawFn, definition: Definition, max_changes: int = 4) -> Walk:
    """A walk to the end of the journey along its own next question, then a few changes.

    On the way, a page may first be sent with something it must refuse (a date that is not one,
    a checkbox not ticked, text too long), as a person corrects a mistake."""
    today = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)))
    answers: dict[str, Answer] = {}
    pages: list[Page] = []
    route: list[str] = []
    question: Question | None = definition.questions[0]
    while question is not None:
        route.append(question.id)
        pages += draw(mistakes(question, today))
        page = draw(page_for(question, today, valid=True))
        pages.append(page)
        if page.expected is not None:
            answers[question.id] = page.expected
        following = Journey(definition=definition, answers=answers, today=today).next_question(
            after=question.id
        )
        assert following is None or following.id not in answers, "the walk went back"
        question = following
    role = answers["role"]["value"]
    return Walk(today, pages, draw(changes(definition, today, role, route, max_changes)))
