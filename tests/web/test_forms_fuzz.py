"""Whatever is posted to any form, the service answers with a page a person can act on, and what
it saves is what was sent, cleaned (ADR 0007).

Hypothesis posts to every form the service has: sign in, start, every question page of both roles
(follow-ups included) and check answers, with the CSRF check on and a real token, as a browser
does. Each post has an intent (tests/web/form_posts.py): valid answers with control characters
slipped in, answers the page must refuse, stale versions, anything at all, and bodies in another
character set. Each response is classified (saved, refused with a validation error, or the
unreadable-body page) and checked against the intent: a valid answer saves, and what is stored is
what was typed; a refused one shows the design system's words and changes nothing; whatever saves
holds no control character and reads back, in the database and on the page, as sent after
cleaning. Each form must take a minimum share of its posts to its validation and save a minimum
share. Runs on whichever database the suite runs on (CI runs it on SQLite and PostgreSQL)."""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from applications.models import Application
from evidence.models import EvidenceFile
from questionnaire.engine.loader import load_definition
from questionnaire.engine.schema import QuestionKind
from tests.answer_sets import CONTROLLER, SUPPLIER, as_engine_answers
from tests.conftest import DEFINITION_PATH, PASSWORD, TODAY
from tests.web.form_posts import OTHER_CHARSETS, Post, hostile_fields, noisy, visits
from tests.web.form_responses import (
    classify,
    error_summary,
    form_as_sent,
)
from workflow.services import answer_save

from .form_fuzz import FUZZ, Browser, Tally, expect, known_cases, post_to_question, read_back

DEFINITION = load_definition(DEFINITION_PATH)

# ------------------------------------------------------------------------- the question pages

QUESTION_PAGES = [(q, SUPPLIER) for q, _ in SUPPLIER] + [
    (q, CONTROLLER) for q, _ in CONTROLLER if q != "role"
]


@pytest.fixture
def reached(applicant, member, request):
    """An application answered up to the question under test (through the service, as the pages
    would save it), and a browser on its page."""
    question_id, pages = request.param
    application = Application.objects.get()
    before = pages[: [q for q, _ in pages].index(question_id)]
    for answered, value in as_engine_answers(DEFINITION, before, TODAY).items():
        answer_save(
            application=application,
            question_id=answered,
            value=value,
            expected_version=0,
            actor=member,
        )
    url = applicant.question_url(question_id)
    return DEFINITION.question(question_id), url, Browser(member, url)


def question_page_test(question_id, pages):
    """One test for one question page: hypothesis visits it a few times, the tally is checked."""
    question = DEFINITION.question(question_id)

    @pytest.mark.parametrize("reached", [(question_id, pages)], indirect=True, ids=[question_id])
    def test(reached):
        _, url, browser = reached
        tally = Tally()

        @FUZZ
        @given(visit=visits(question, TODAY))
        def visit(visit):
            for post in visit:
                post_to_question(browser, url, question, post, tally)
            read_back(browser, url, question)

        for case in known_cases(question):
            visit = example(visit=case)(visit)
        visit()
        if question.kind is QuestionKind.FILE:
            # Nothing a form sends is a file: every readable post goes on, and nothing is kept.
            tally.assert_shares()
            assert tally["refused"] == 0, dict(tally)
            assert not EvidenceFile.objects.exists()
        else:
            tally.assert_shares()

    test.__name__ = f"test_question_page_{question_id}"
    return test


for _question_id, _pages in QUESTION_PAGES:
    globals()[f"test_question_page_{_question_id}"] = question_page_test(_question_id, _pages)


def test_the_fuzzed_pages_are_the_whole_route_of_both_roles(definition):
    fuzzed = {q for q, _ in QUESTION_PAGES}
    assert fuzzed == {q.id for q in definition.questions}


# ---------------------------------------------------------------------------------- sign in


def sign_in_posts(email):
    """Sign-in posts: the member's own email and password with control characters slipped in
    (both are cleaned, ADR 0007), what the page refuses, anything, and unreadable bodies."""
    valid = st.tuples(noisy(email), noisy(PASSWORD), st.sampled_from(["", " "])).map(
        lambda e: Post("valid", {"email": f"{e[2]}{e[0].upper()}{e[2]}", "password": e[1]})
    )
    refused = st.sampled_from(
        [
            ({"email": "", "password": "x"}, ["Enter your email address"]),
            ({"email": "\x00\x1b", "password": "x"}, ["Enter your email address"]),
            ({"email": email, "password": ""}, ["Enter your password"]),
            ({}, ["Enter your email address", "Enter your password"]),
            ({"email": "nobody@example.com", "password": PASSWORD}, [SIGN_IN_FAILED]),
        ]
    ).map(lambda fe: Post("refused", fe[0], errors=fe[1]))
    hostile = st.builds(
        lambda f, raw: Post("hostile", f, raw=raw),
        hostile_fields(["email", "password", "next"], []),
        st.binary(max_size=30),
    )
    unreadable = st.tuples(valid, st.sampled_from(OTHER_CHARSETS)).map(
        lambda vc: Post("unreadable", vc[0].fields, charset=vc[1])
    )
    any_post = st.one_of(refused, hostile, unreadable)
    return st.tuples(valid, refused, any_post).flatmap(lambda p: st.permutations(list(p)))


SIGN_IN_FAILED = "Enter the correct email address and password"


@pytest.mark.parametrize("anonymous", [True, False])
def test_sign_in(db, member, anonymous):
    browser = Browser() if anonymous else Browser(member, "/applications/start")
    tally = Tally()

    @settings(FUZZ, max_examples=3)
    @given(visit=sign_in_posts(member.email))
    def visit(visit):
        for post in visit:
            response, _ = browser.post("/sign-in", post)
            outcome = classify(response)
            tally.note(post, outcome)
            page = "" if outcome == "saved" else response.content.decode()
            expect(post, outcome, page)
            if post.intent == "hostile":
                assert outcome == "refused"  # nothing but the member's own password signs in
            if outcome == "saved":
                # Signed in: a page only members see is shown, not the sign-in page.
                assert browser.client.get("/applications/start").status_code == 200

    visit()
    tally.assert_shares(saved=0.25)


# ------------------------------------------------------------------------------------- start

SCOPE_REQUIRED = "Select the NIR integration scope you are onboarding for"


def start_posts():
    from applications.states import Scope

    scopes = list(Scope.values)
    valid = st.sampled_from(scopes).flatmap(
        lambda s: noisy(s).map(lambda sent: Post("valid", {"scope": sent}, expected={"value": s}))
    )
    refused = st.sampled_from([{}, {"scope": ""}, {"scope": "bogus"}, {"scope": "\x00"}]).map(
        lambda f: Post("refused", f, errors=[SCOPE_REQUIRED])
    )
    hostile = st.builds(
        lambda f, raw: Post("hostile", f, raw=raw),
        hostile_fields(["scope"], scopes),
        st.binary(max_size=30),
    )
    unreadable = st.tuples(valid, st.sampled_from(OTHER_CHARSETS)).map(
        lambda vc: Post("unreadable", vc[0].fields, charset=vc[1])
    )
    any_post = st.one_of(valid, refused, hostile, unreadable)
    return st.tuples(valid, refused, any_post).flatmap(lambda p: st.permutations(list(p)))


def test_start(member):
    browser = Browser(member, "/applications/start")
    tally = Tally()

    @settings(FUZZ, max_examples=3)
    @example(visit=[Post("unreadable", {"scope": "both"}, charset="utf-16")])
    @given(visit=start_posts())
    def visit(visit):
        for post in visit:
            before = set(Application.objects.values_list("pk", flat=True))
            response, body = browser.post("/applications/start", post)
            outcome = classify(response)
            tally.note(post, outcome)
            expect(post, outcome, "" if outcome == "saved" else response.content.decode())
            started = Application.objects.exclude(pk__in=before)
            if outcome != "saved":
                assert not started.exists()
                continue
            # One application, in the scope sent once cleaned; a valid post's, the one chosen.
            (application,) = started
            assert application.scope == form_as_sent(body)["scope"]
            if post.expected is not None:
                assert application.scope == post.expected["value"]

    visit()
    tally.assert_shares()


# ----------------------------------------------------------------------------- check answers

NOT_READY = "You cannot submit yet. Put right the answers listed below"
DECLARATION_CHANGED = (
    "The declaration has changed since you opened this page. Read it again, then select "
    "Accept and send"
)


def check_answers_posts(declaration):
    """The declaration's digest as the page sends it back (control characters slipped in), a
    wrong one, anything, and unreadable bodies."""
    valid = noisy(declaration).map(lambda d: Post("valid", {"declaration": d}))
    refused = st.sampled_from(["", "x", declaration[:-1], declaration.upper()]).map(
        lambda d: Post("refused", {"declaration": d})
    )
    hostile = st.builds(
        lambda f, raw: Post("hostile", f, raw=raw),
        hostile_fields(["declaration", "submit", "answer"], []),
        st.binary(max_size=30),
    )
    unreadable = st.tuples(valid, st.sampled_from(OTHER_CHARSETS)).map(
        lambda vc: Post("unreadable", vc[0].fields, charset=vc[1])
    )
    any_post = st.one_of(refused, hostile, unreadable)
    return st.tuples(valid, refused, any_post).flatmap(lambda p: st.permutations(list(p)))


@pytest.mark.parametrize("complete", [True, False])
def test_check_answers(applicant, member, complete):
    application = Application.objects.get()
    pages = SUPPLIER if complete else SUPPLIER[:4]
    for question_id, value in as_engine_answers(DEFINITION, pages, TODAY).items():
        answer_save(
            application=application,
            question_id=question_id,
            value=value,
            expected_version=0,
            actor=member,
        )
    url = f"{applicant.stage2}/check-answers"
    browser = Browser(member, url)
    page = browser.client.get(url).content.decode()
    shown = re.search(r'name="declaration" value="([0-9a-f]{64})"', page)
    declaration = shown.group(1) if shown else "0" * 64
    assert bool(shown) == complete
    tally = Tally()

    @settings(FUZZ, max_examples=3)
    @example(visit=[Post("unreadable", {"declaration": declaration}, charset="latin-1")])
    @given(visit=check_answers_posts(declaration))
    def visit(visit):
        for post in visit:
            application.refresh_from_db()
            submitted = application.stage2_submitted_at is not None
            response, _ = browser.post(url, post)
            outcome = classify(response)
            tally.note(post, outcome)
            page = "" if outcome == "saved" else response.content.decode()
            if not complete:
                # Nothing submits an incomplete response: whatever is read is refused.
                assert outcome in {"refused", "unreadable"}, (post, outcome)
                if outcome == "refused":
                    assert error_summary(page) == [NOT_READY]
                continue
            if submitted:
                # Already submitted: the confirmation again, whatever is read.
                assert outcome in {"saved", "unreadable"}, (post, outcome)
                continue
            expect(post, outcome, page, expected_refusal=[DECLARATION_CHANGED])
            application.refresh_from_db()
            assert (application.stage2_submitted_at is not None) == (outcome == "saved"), post

    visit()
    application.refresh_from_db()
    assert (application.stage2_submitted_at is not None) == complete
    tally.assert_shares(saved=0.25 if complete else 0)
