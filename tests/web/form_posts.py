"""What the forms fuzz posts, and what it expects of each post.

A post is made with an intent, and each intent carries its own oracle:
- ``valid``: a real answer as a person sends it, with ADR 0007's control characters slipped into
  its values and its keys, line breaks as CRLF or CR, hidden follow-ups sent too. It must save,
  and what is stored is the answer as typed (``expected``), built here without the service's code.
- ``refused``: an answer the page must refuse (a date that is not one, text over its limit, an
  option that is not one, text of nothing but control characters). It must show exactly
  ``errors``, the design system's words, and change nothing.
- ``stale``: a valid answer sent with another version than the stored one: refused as changed by
  someone else, nothing saved.
- ``hostile``: anything (control characters, bytes, huge numbers, raw bytes after the form). It
  may save or be refused; if it saves, what is stored is what was sent after ADR 0007's cleaning.
- ``unreadable``: a body declared in another character set: the bad-request page, nothing saved.

Each visit to a page is a short shuffled list of posts with at least one valid and one refused, so
the shares the fuzz asserts (enough posts reach the form's validation, enough save) hold by
construction when the service is right, whatever examples hypothesis draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from questionnaire.engine.schema import FollowUp, FollowUpKind, Question, QuestionKind
from tests.web.form_responses import CONTROL

OTHER_CHARSETS = ["latin-1", "utf-16", "iso-8859-15"]


# -------------------------------------------------------------------------------- the posts


@dataclass
class Post:
    intent: str
    fields: dict[str, Any]
    raw: bytes = b""
    charset: str | None = None
    version: str | None = None  # None: the stored answer's version, as the page sends it
    expected: dict[str, str] | None = None  # valid: what must be stored
    errors: list[str] = field(default_factory=list)  # refused: the error summary, exactly

    def body(self, token: str, version: int) -> bytes:
        fields = dict(self.fields)
        if "version" not in fields:
            fields["version"] = str(version) if self.version is None else self.version
        pairs = [("csrfmiddlewaretoken", token), *fields.items()]
        text = urlencode(pairs)
        if self.charset in OTHER_CHARSETS:
            return text.encode(self.charset) + "&note=caf\u00e9".encode(self.charset)
        return text.encode("ascii") + (b"&" + self.raw if self.raw else b"")

    def content_type(self) -> str:
        content_type = "application/x-www-form-urlencoded"
        return f"{content_type}; charset={self.charset}" if self.charset else content_type


@st.composite
def noisy(draw: st.DrawFn, text: str) -> str:
    """Text with up to three of ADR 0007's control characters slipped in anywhere."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(CONTROL)) + text[at:]
    return text


# Printable text of any script, tabs and line feeds; never a control character or a surrogate.
TYPED = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\t\n")


@st.composite
def typed_text(draw: st.DrawFn, limit: int) -> tuple[str, str]:
    """Text a person types into a field of ``limit`` characters, as the browser sends it (CRLF or
    CR line breaks, control characters pasted in), and what must be stored of it."""
    core = draw(
        st.one_of(
            st.text(TYPED, min_size=1, max_size=min(limit, 30)).filter(lambda t: t.strip()),
            # Exactly the limit once cleaned: the control characters and CRs must not count.
            st.just("x" * (limit - 2) + "\ny"),
        )
    )
    line_break = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(noisy(core.replace("\n", line_break))), core.strip()


def _follow_up_valid(follow_up: FollowUp) -> st.SearchStrategy[tuple[str, str]]:
    if follow_up.kind is FollowUpKind.RADIOS:
        return st.sampled_from([o.value for o in follow_up.options]).flatmap(
            lambda v: noisy(v).map(lambda sent: (sent, v))
        )
    assert follow_up.max_length is not None
    return typed_text(follow_up.max_length)


@st.composite
def _noisy_keys(draw: st.DrawFn, fields: dict[str, str]) -> dict[str, str]:
    """Control characters in the names too: the service cleans every key (ADR 0007)."""
    if not draw(st.booleans()):
        return fields
    return {draw(noisy(key)): value for key, value in fields.items()}


@st.composite
def valid_post(draw: st.DrawFn, question: Question, today: date) -> Post:
    fields: dict[str, str] = {}
    if question.kind is QuestionKind.RADIOS:
        choice = draw(st.sampled_from([o.value for o in question.options]))
        fields["answer"] = draw(noisy(choice))
        expected = {"value": choice}
        for follow_up in question.follow_ups:
            if choice in follow_up.shown_when:
                fields[follow_up.id], expected[follow_up.id] = draw(_follow_up_valid(follow_up))
            elif draw(st.booleans()):
                # Hidden beneath another option, but a browser still sends it: never stored.
                fields[follow_up.id] = draw(st.text(max_size=10))
    elif question.kind is QuestionKind.DATE:
        real = today - timedelta(days=draw(st.integers(0, 1500)))
        for part, number in [("day", real.day), ("month", real.month)]:
            shown = draw(st.sampled_from([str(number), f"{number:02d}"]))
            fields[f"answer-{part}"] = draw(noisy(f" {shown} " if draw(st.booleans()) else shown))
        fields["answer-year"] = draw(noisy(str(real.year)))
        expected = {"value": real.isoformat()}
    elif question.kind is QuestionKind.CHECKBOX:
        fields["answer"] = draw(noisy("yes"))
        expected = {"value": "yes"}
    else:
        assert question.max_length is not None
        fields["answer"], text = draw(typed_text(question.max_length))
        expected = {"value": text}
    return Post("valid", draw(_noisy_keys(fields)), expected=expected)


def _date_refusals(question: Question, today: date) -> list[tuple[dict[str, str], str]]:
    name = question.error_name
    real, year = f"{name} must be a real date", str(today.year - 1)
    tomorrow = today + timedelta(days=1)
    return [
        ({"answer-day": "31", "answer-month": "2", "answer-year": year}, real),
        ({"answer-day": "1", "answer-month": "13", "answer-year": year}, real),
        ({"answer-day": "0", "answer-month": "1", "answer-year": year}, real),
        ({"answer-day": "one", "answer-month": "Jan", "answer-year": year}, real),
        ({"answer-day": "99999999999999999999", "answer-month": "1", "answer-year": year}, real),
        ({"answer-day": "", "answer-month": "", "answer-year": ""}, question.required_error),
        ({}, question.required_error),
        (
            {"answer-day": "\x00", "answer-month": "\x1b", "answer-year": "\x7f"},
            question.required_error,
        ),
        (
            {"answer-day": "1", "answer-month": "", "answer-year": year},
            f"{name} must include a month",
        ),
        (
            {"answer-day": "1", "answer-month": "1", "answer-year": "26"},
            "Year must include 4 numbers",
        ),
        (
            {
                "answer-day": str(tomorrow.day),
                "answer-month": str(tomorrow.month),
                "answer-year": str(tomorrow.year),
            },
            f"{name} must be today or in the past",
        ),
    ]


def _text_refusals(limit: int, required: str, name: str) -> list[tuple[str, str]]:
    too_long = f"{name} must be {limit:,} characters or fewer"
    return [
        ("", required),
        ("  \r\n\t ", required),
        ("\x00\x1b\x85", required),  # nothing left once cleaned
        ("x" * (limit + 1), too_long),
        ("x" * limit + "\r\ny", too_long),  # a line break counts as one character
    ]


@st.composite
def refused_post(draw: st.DrawFn, question: Question, today: date) -> Post:
    if question.kind is QuestionKind.DATE:
        fields, message = draw(st.sampled_from(_date_refusals(question, today)))
        return Post("refused", dict(fields), errors=[message])
    if question.kind is QuestionKind.CHECKBOX:
        fields = draw(st.sampled_from([{}, {"answer": ""}, {"answer": "on"}, {"answer": "\x00"}]))
        return Post("refused", fields, errors=[question.required_error])
    if question.kind is QuestionKind.TEXT:
        assert question.max_length is not None
        text, message = draw(
            st.sampled_from(
                _text_refusals(question.max_length, question.required_error, question.error_name)
            )
        )
        return Post("refused", {"answer": text}, errors=[message])
    # Radios: the main answer wrong, or a revealed follow-up.
    choice = draw(st.sampled_from([o.value for o in question.options]))
    revealed = question.follow_ups_for(choice)
    if not revealed or draw(st.booleans()):
        wrong = draw(st.sampled_from([{}, {"answer": ""}, {"answer": "bogus"}, {"answer": "\x00"}]))
        return Post("refused", wrong, errors=[question.required_error])
    fields = {"answer": choice}
    errors = []
    for follow_up in revealed:
        fields[follow_up.id], message = _refused_follow_up(draw, follow_up)
        errors.append(message)
    return Post("refused", fields, errors=errors)


def _refused_follow_up(draw: st.DrawFn, follow_up: FollowUp) -> tuple[str, str]:
    if follow_up.kind is FollowUpKind.RADIOS:
        return draw(st.sampled_from(["", "bogus", "\x00"])), follow_up.required_error
    assert follow_up.max_length is not None
    return draw(
        st.sampled_from(
            _text_refusals(follow_up.max_length, follow_up.required_error, follow_up.error_name)
        )
    )


def stale_post(question: Question, today: date) -> st.SearchStrategy[Post]:
    wrong = st.sampled_from(["-1", "abc", "", "99999999999999999999", "\x00", "7"])
    return st.tuples(valid_post(question, today), wrong).map(
        lambda pv: Post("stale", pv[0].fields, version=pv[1])
    )


HOSTILE = [
    "99999999999999999999",
    "2147483648",
    "-1",
    "9" * 5000,
    "\x00",
    "before\x00after",
    "\r\n\r\n",
    "\x1b[31m\x7f\x85\x9f",
    "\u00b2",
    "\u0663\u0663\u0663\u0663",
    "\ufeff\u202e",
]
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["99999999999999999999", "2147483648", "0", "9" * 5000, "\u00b2"]),
)
# Text heavy in control characters (everything up to U+009F, C1 included) and other oddities.
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.text(max_size=10), min_size=2, max_size=4).map("\x00".join),
    st.text(alphabet=st.characters(max_codepoint=0x9F), min_size=1, max_size=40),
    st.sampled_from(HOSTILE),
)
VALUE = st.one_of(TEXT, TEXT, NUMBER, st.binary(max_size=40))


def hostile_fields(names: list[str], choices: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Any of ``names`` with anything in it; the main answer sometimes a real choice, so that
    follow-ups are read."""

    def value_for(name: str) -> st.SearchStrategy[Any]:
        if name == "answer" and choices:
            return st.one_of(st.sampled_from(list(choices)), VALUE)
        if name.startswith("answer-"):
            return st.one_of(NUMBER, VALUE)
        return VALUE

    return st.fixed_dictionaries({}, optional={name: value_for(name) for name in names})


def hostile_post(question: Question) -> st.SearchStrategy[Post]:
    is_date = question.kind is QuestionKind.DATE
    names = ["answer-day", "answer-month", "answer-year"] if is_date else ["answer"]
    names += [f.id for f in question.follow_ups] + ["confirm_discard"]
    return st.builds(
        lambda fields, raw, charset: Post("hostile", fields, raw=raw, charset=charset),
        hostile_fields(names, [o.value for o in question.options]),
        st.binary(max_size=30),
        st.sampled_from([None, "utf-8"]),
    )


def no_file_post() -> st.SearchStrategy[Post]:
    """A post to a file question's page: whatever a form sends, it is not a file, and a question
    that may be left for now (question 15) goes on without one (ADR 0035)."""
    return st.text(max_size=10).map(lambda text: Post("valid", {"answer": text}))


def unreadable_post(question: Question, today: date) -> st.SearchStrategy[Post]:
    answer = no_file_post() if question.kind is QuestionKind.FILE else valid_post(question, today)
    return st.tuples(answer, st.sampled_from(OTHER_CHARSETS)).map(
        lambda pc: Post("unreadable", pc[0].fields, charset=pc[1])
    )


def visits(question: Question, today: date) -> st.SearchStrategy[list[Post]]:
    """One visit to a question page: a valid post and a refused one, and two more of any intent,
    in a shuffled order. A file question's page is sent no file: every post goes on without one
    (ADR 0035), or is unreadable."""
    if question.kind is QuestionKind.FILE:
        goes_on = no_file_post()
        any_post = st.one_of(goes_on, hostile_post(question), unreadable_post(question, today))
        return st.tuples(goes_on, goes_on, any_post).flatmap(
            lambda posts: st.permutations(list(posts))
        )
    refused = refused_post(question, today)
    valid = valid_post(question, today)
    any_post = st.one_of(
        valid,
        refused,
        stale_post(question, today),
        hostile_post(question),
        unreadable_post(question, today),
    )
    return st.tuples(valid, refused, any_post, any_post).flatmap(
        lambda posts: st.permutations(list(posts))
    )
