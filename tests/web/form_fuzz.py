"""The harness of tests/web/test_forms_fuzz.py: a browser that posts with a real CSRF token, a tally
of what each form did with its posts, and the oracle that checks each response against its post's
intent; for the question pages, the post, what it stored and what the page reads back."""

from collections import Counter

from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from applications.models import Application
from evidence.models import EvidenceFile
from questionnaire.engine.schema import QuestionKind
from questionnaire.models import Answer
from questionnaire.views import STALE_ANSWER
from tests.visible import visible_text
from tests.web.form_posts import Post
from tests.web.form_responses import (
    classify,
    control_characters_in,
    error_summary,
    form_as_sent,
    form_shown,
    shown_for,
    stored_from,
)

# A few visits per form, each of several posts. No shrinking: a visit is a handful of posts,
# readable as it is, and shrinking replays HTTP requests against a database that each run has
# changed, for minutes per failing form.
FUZZ = settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


class Browser:
    """Django's test client with the CSRF check on; a server error comes back as a status. Each
    post comes from its own address, so that sign-in failures never lock the next one out."""

    def __init__(self, user=None, page="/sign-in"):
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)
        assert self.client.get(page).status_code == 200
        self.sent = 0

    def post(self, url, post: Post, version=0):
        # Signing in rotates the token: read it from the cookie every time, as a page would.
        token = self.client.cookies[django_settings.CSRF_COOKIE_NAME].value
        body = post.body(token, version)
        self.sent += 1
        response = self.client.generic(
            "POST",
            url,
            body,
            content_type=post.content_type(),
            REMOTE_ADDR=f"10.0.{self.sent // 250}.{self.sent % 250 + 1}",
        )
        return response, body


class Tally(Counter):
    """What a form did with the posts it was sent."""

    def note(self, post: Post, outcome: str) -> None:
        self[outcome] += 1
        self[f"{post.intent}: {outcome}"] += 1

    @property
    def posts(self) -> int:
        return sum(n for k, n in self.items() if ":" not in k)

    def assert_shares(self, *, validated: float = 0.5, saved: float = 0.2) -> None:
        """At least ``validated`` of the posts reached the form's own validation (were refused by
        it or saved), and at least ``saved`` of them saved."""
        reached = self["refused"] + self["saved"]
        assert reached >= validated * self.posts, dict(self)
        assert self["saved"] >= saved * self.posts, dict(self)


def expect(post: Post, outcome: str, page: str, expected_refusal=None) -> None:
    """The response suits the post's intent."""
    if post.intent == "valid":
        assert outcome == "saved", (post, outcome, error_summary(page))
    elif post.intent == "refused":
        assert outcome == "refused", (post, outcome)
        assert error_summary(page) == (expected_refusal or post.errors), post
    elif post.intent == "stale":
        assert outcome == "refused", (post, outcome)
        assert error_summary(page) == [STALE_ANSWER]
    elif post.intent == "unreadable":
        assert outcome == "unreadable", (post, outcome)
    else:
        assert outcome in {"saved", "refused"}, (post, outcome)


def stored(question_id):
    answer = Answer.objects.filter(question_id=question_id).first()
    return (answer.value, answer.version) if answer else None


def post_to_question(browser, url, question, post: Post, tally: Tally) -> None:
    before = stored(question.id)
    response, body = browser.post(url, post, before[1] if before else 0)
    outcome = classify(response)
    tally.note(post, outcome)
    page = "" if outcome == "saved" else response.content.decode()
    expect(post, outcome, page)
    after = stored(question.id)
    if question.kind is QuestionKind.FILE:
        # Nothing a form sends is a file; question 15 may be left for now, so the page goes on
        # to the next question (ADR 0035), keeping nothing.
        if outcome != "unreadable":
            assert outcome == "saved", (post, outcome, error_summary(page))
            assert "/questions/" in response["Location"], response["Location"]
        assert after is None and not EvidenceFile.objects.exists(), post
        return
    if outcome != "saved":
        assert after == before, (post, outcome)
        return
    value = after[0]
    assert not control_characters_in(value), value
    # What was saved is what was sent, after ADR 0007's cleaning; a valid answer, what was typed.
    assert value == stored_from(question, form_as_sent(body)), (post, value)
    if post.expected is not None:
        assert value == post.expected, (post, value)
    if question.id == "role":
        # The product is kept on the application too, as saved.
        application = Application.objects.get()
        assert application.product_name == value.get("product_name", "")
        assert application.product_version == value.get("product_version", "")


def read_back(browser, url, question) -> None:
    """The page shows the stored answer in its form, as a person sees it."""
    answer = stored(question.id)
    if answer is None or question.kind is QuestionKind.FILE:
        return
    page = browser.client.get(url)
    assert page.status_code == 200
    if question.names_role is not None:
        # A question naming key personnel is answered by recording them (ADR 0038): its page is
        # the form that adds a person, and an answer given as text is shown as "your answer so
        # far", every word of it.
        assert form_shown(page.content.decode()) == {"action": "add"}
        shown = visible_text(page)
        assert "Your answer so far:" in shown
        assert all(word in shown for word in answer[0]["value"].split()), answer
        return
    assert form_shown(page.content.decode()) == shown_for(question, answer[0])


def known_cases(question):
    """What was once a server error, always tried first: a NUL in every text field (with a real
    choice, so follow-ups are read), and date parts too big for a date."""
    if question.kind is QuestionKind.DATE:
        real = f"{question.error_name} must be a real date"
        return [
            [
                Post(
                    "refused",
                    {"answer-day": day, "answer-month": month, "answer-year": "2026"},
                    errors=[real],
                )
            ]
            for day, month in [("99999999999999999999", "1"), ("1", "2147483648")]
        ]
    if question.kind is QuestionKind.FILE:
        return [[Post("hostile", {"answer": "before\x00after"})]]
    if question.kind is QuestionKind.CHECKBOX:
        return [[Post("valid", {"answer": "ye\x00s"}, expected={"value": "yes"})]]
    nul, kept = "before\x00after", "beforeafter"
    if question.kind is QuestionKind.TEXT:
        return [[Post("valid", {"answer": nul}, expected={"value": kept})]]
    first = question.options[0].value
    fields, expected = {"answer": first}, {"value": first}
    for follow_up in question.follow_ups_for(first):
        choice = follow_up.options[0].value if follow_up.options else None
        fields[follow_up.id] = choice or nul
        expected[follow_up.id] = choice or kept
    return [[Post("valid", fields, expected=expected)]]
