"""Whatever is posted to any form, nothing answers with a server error.

Hypothesis posts arbitrary bytes, huge numbers, control characters and bodies declared in other
character sets to every form the service has: sign in, start, every question page of both roles
(follow-ups included) and check answers. The CSRF check is on, with a real token, as in a
browser. Runs on whichever database the suite runs on (CI runs it on SQLite and PostgreSQL)."""

from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from questionnaire.engine.loader import load_definition
from questionnaire.engine.schema import FollowUpKind, QuestionKind
from questionnaire.models import Answer
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.conftest import DEFINITION_PATH

DEFINITION = load_definition(DEFINITION_PATH)

HOSTILE = [
    "99999999999999999999",
    "2147483648",
    "-1",
    "9" * 5000,
    "\x00",
    "before\x00after",
    "a\x00b@example.com",
    "\r\n\r\n",
    "\x1b[31m\x7f\x85\x9f",
    "\u00b2",
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
# None: no charset in the Content-Type, as browsers send it.
CHARSET = st.sampled_from([None, None, "utf-8", "latin-1", "utf-16"])
# Marks the version field that should carry the answer's real version, so valid answers save.
CURRENT_VERSION = object()

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fields_for(required, optional=(), choices=()):
    """Form fields: every ``required`` one and any of the ``optional`` ones, each with a hostile
    value; the main answer may also be one of the real choices, so that follow-ups are read."""

    def value_for(name):
        if name == "answer" and choices:
            return st.one_of(st.sampled_from(list(choices)), VALUE)
        if name == "answer-year":
            return st.one_of(st.sampled_from(["2026", "2024", "0000", "٢٠٢٦"]), NUMBER, VALUE)
        if name.startswith("answer-"):
            return st.one_of(NUMBER, VALUE)
        return VALUE

    return st.fixed_dictionaries(
        {name: value_for(name) for name in required},
        optional={name: value_for(name) for name in optional},
    )


def body_of(token, fields, raw):
    pairs = [("csrfmiddlewaretoken", token), *fields.items()]
    return urlencode(pairs).encode("ascii") + (b"&" + raw if raw else b"")


class Browser:
    """Django's test client with the CSRF check on; a server error comes back as a status."""

    def __init__(self, user=None, page="/sign-in"):
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)
        assert self.client.get(page).status_code == 200
        self.token = self.client.cookies[django_settings.CSRF_COOKIE_NAME].value

    def post(self, url, fields, raw=b"", charset=None):
        content_type = "application/x-www-form-urlencoded"
        if charset:
            content_type += f"; charset={charset}"
        return self.client.generic(
            "POST", url, body_of(self.token, fields, raw), content_type=content_type
        )


def assert_no_server_error(response, fields, raw, charset):
    assert response.status_code < 500, (response.status_code, fields, raw, charset)


@pytest.mark.parametrize("anonymous", [True, False])
@FUZZ
@example(fields={"email": "a\x00b@example.com", "password": "x"}, raw=b"", charset=None)
@example(fields={"email": "caf\xe9@example.com", "password": "x"}, raw=b"", charset="latin-1")
@given(
    fields=fields_for(["email", "password"], ["next"]),
    raw=st.binary(max_size=30),
    charset=CHARSET,
)
def test_sign_in(db, member, anonymous, fields, raw, charset):
    browser = Browser() if anonymous else Browser(member, "/applications/start")
    response = browser.post("/sign-in", fields, raw, charset)
    assert_no_server_error(response, fields, raw, charset)


@FUZZ
@example(fields={"scope": "both"}, raw=b"", charset="utf-16")
@given(fields=fields_for([], ["scope"]), raw=st.binary(max_size=30), charset=CHARSET)
def test_start(member, fields, raw, charset):
    response = Browser(member, "/applications/start").post(
        "/applications/start", fields, raw, charset
    )
    assert_no_server_error(response, fields, raw, charset)


QUESTION_PAGES = [(q, SUPPLIER) for q, _ in SUPPLIER] + [
    (q, CONTROLLER) for q, _ in CONTROLLER if q != "role"
]


@pytest.fixture
def reached(applicant, member, request):
    """An application answered up to the question under test, and a browser on its page."""
    question_id, pages = request.param
    applicant.answer_all(pages[: [q for q, _ in pages].index(question_id)])
    url = applicant.question_url(question_id)
    return question_id, url, Browser(member, url)


def question_form(question):
    is_date = question.kind is QuestionKind.DATE
    main = ["answer-day", "answer-month", "answer-year"] if is_date else ["answer"]
    fields = fields_for(
        main + [f.id for f in question.follow_ups],
        ["confirm_discard", *(["answer"] if is_date else [])],
        [o.value for o in question.options],
    )
    # Mostly the real version, so that answers which parse are saved too.
    version = st.integers(0, 3).flatmap(lambda i: VALUE if i == 0 else st.just(CURRENT_VERSION))
    return st.builds(lambda f, v: {**f, "version": v}, fields, version)


def known_cases(question):
    """What was once a server error, always tried first: a NUL in every text field (with a real
    choice, so follow-ups are read), and date parts too big for a date."""
    first = question.options[0].value if question.options else "before\x00after"
    nul = {"version": CURRENT_VERSION, "answer": first}
    for follow_up in question.follow_ups:
        nul[follow_up.id] = (
            follow_up.options[0].value
            if follow_up.kind is FollowUpKind.RADIOS
            else "before\x00after"
        )
    huge_day = {"answer-day": "99999999999999999999", "answer-month": "1", "answer-year": "2026"}
    huge_month = {"answer-day": "1", "answer-month": "2147483648", "answer-year": "2026"}
    return [
        nul,
        {"version": CURRENT_VERSION, **huge_day},
        {"version": CURRENT_VERSION, **huge_month},
    ]


def question_page_test(question_id, pages):
    """One hypothesis test for one question page, its strategy shaped by the question."""
    question = DEFINITION.question(question_id)

    @pytest.mark.parametrize("reached", [(question_id, pages)], indirect=True, ids=[question_id])
    @FUZZ
    @given(fields=question_form(question), raw=st.binary(max_size=30), charset=CHARSET)
    def test(reached, fields, raw, charset):
        _, url, browser = reached
        fields = dict(fields)
        if fields["version"] is CURRENT_VERSION:
            stored = Answer.objects.filter(question_id=question_id).first()
            fields["version"] = str(stored.version if stored else 0)
        response = browser.post(url, fields, raw, charset)
        assert_no_server_error(response, fields, raw, charset)

    for case in known_cases(question):
        test = example(fields=case, raw=b"", charset=None)(test)
    test.__name__ = f"test_question_page_{question_id}"
    return test


for _question_id, _pages in QUESTION_PAGES:
    globals()[f"test_question_page_{_question_id}"] = question_page_test(_question_id, _pages)


@pytest.mark.parametrize("complete", [True, False])
@FUZZ
@example(fields={}, raw=b"", charset="latin-1")
@given(fields=fields_for([], ["submit", "answer"]), raw=st.binary(max_size=30), charset=CHARSET)
def test_check_answers(applicant, member, complete, fields, raw, charset):
    if complete and not Answer.objects.exists():
        applicant.answer_all(CONTROLLER)
    url = f"{applicant.stage2}/check-answers"
    response = Browser(member, url).post(url, fields, raw, charset)
    assert_no_server_error(response, fields, raw, charset)


def test_the_fuzzed_pages_are_the_whole_route_of_both_roles(definition):
    fuzzed = {q for q, _ in QUESTION_PAGES}
    assert fuzzed == {q.id for q in definition.questions}
