"""Sessions: signed-in pages are never cached, the timeout is for inactivity, and an answer
posted after the session ended is offered back after signing in again."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client

from questionnaire.models import Answer
from tests.config.support import THROWAWAY_SIGNING_KEY, THROWAWAY_TWO_FACTOR_KEY
from tests.conftest import PASSWORD
from tests.web.conftest import Applicant, signed_in

KEPT = "We kept the answer you entered. Check it and continue to save it."
REPOSITORY = Path(__file__).resolve().parents[2]


def no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_page_a_signed_in_user_sees_is_not_stored(applicant):
    urls = [
        "/",
        "/applications/start",
        applicant.application_url,
        applicant.stage2,
        applicant.question_url("role"),
        f"{applicant.stage2}/check-answers",
        "/applications/00000000-0000-0000-0000-000000000000",  # a 404 page
        "/sign-in?next=/",  # redirects a signed-in user
    ]
    for url in urls:
        response = applicant.client.get(url)
        assert no_store(response), (url, response.status_code, response.get("Cache-Control"))
    answered = applicant.answer("role", {"answer": "controller"})
    assert answered.status_code == 302
    assert no_store(answered)


def test_the_responses_that_sign_in_and_out_are_not_stored(member):
    client = Client()
    signed_in = client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert no_store(signed_in)
    signed_out = client.post("/sign-out")
    assert signed_out.status_code == 302
    assert no_store(signed_out)


def test_a_session_ends_after_the_idle_limit_not_a_fixed_time_after_sign_in(client_member, clock):
    idle_limit = django_settings.SESSION_COOKIE_AGE
    # working steadily for three idle limits keeps the session
    for _ in range(4):
        clock.advance(seconds=idle_limit * 0.75)
        assert client_member.get("/").status_code == 200
    # doing nothing for longer than the limit ends it
    clock.advance(seconds=idle_limit + 1)
    assert client_member.get("/account").status_code == 302


def test_the_idle_limit_defaults_to_30_minutes():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60


def test_stay_signed_in_moves_the_expiry_on(client_member, clock):
    idle_limit = django_settings.SESSION_COOKIE_AGE
    clock.advance(seconds=idle_limit - 60)
    assert client_member.post("/session/keep-alive").status_code == 204
    clock.advance(seconds=idle_limit - 60)
    assert client_member.get("/").status_code == 200


def test_the_session_has_ended_when_its_countdown_reaches_nothing(still_clock, member):
    """The page counts down in whole seconds (session_seconds_left); when it would say 0
    seconds are left the session has ended, so a browser sent to sign-in at the end of its
    countdown is shown sign-in, not sent back to a page still signed in with no countdown.
    Signed in at 0.6 of a second: the store's own expiry is then 0.6 s later than the count."""
    still_clock.advance(seconds=0.6)
    client_member = signed_in(member)
    still_clock.advance(seconds=django_settings.SESSION_COOKIE_AGE - 0.5)
    page = client_member.get("/sign-in?next=/")
    assert page.status_code == 200
    assert "Sign in" in page.content.decode()


def test_stay_signed_in_counts_the_idle_limit_from_its_own_moment(still_clock, member):
    """Even straight after a page moved the expiry on: the page that asked counts its limit
    from the answer, so the service must too, or it ends the session before the page says."""
    client_member = signed_in(member)
    still_clock.advance(seconds=30)  # inside the refresh interval of a minute
    assert client_member.post("/session/keep-alive").status_code == 204
    still_clock.advance(seconds=django_settings.SESSION_COOKIE_AGE - 1)
    assert client_member.get("/").status_code == 200


def test_stay_signed_in_is_refused_once_the_session_has_ended(client_member, clock):
    """Whatever the session store: with REDIS_URL the session is read through a cache whose
    timeout the moved clock does not move, and the idle limit still holds (ADR 0027)."""
    clock.advance(seconds=django_settings.SESSION_COOKIE_AGE + 1)
    response = client_member.post("/session/keep-alive")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_pages_tell_the_browser_the_idle_limit_and_offer_to_stay_signed_in(still_clock, member):
    # Signed in on the stopped clock: a second ticking before the page would make it 1799.
    client_member = signed_in(member)
    page = client_member.get("/").content.decode()
    assert f'data-idle-limit="{django_settings.SESSION_COOKIE_AGE}"' in page
    assert 'data-warn-before="120"' in page
    assert "You’re about to be signed out" in page
    assert "Stay signed in" in page
    assert "<dialog" in page and "style=" not in page  # the CSP allows no inline styles
    assert "data-idle-limit" not in Client().get("/sign-in").content.decode()


# --------------------------------------------------------------------------- keeping an answer

CSO = "Dr Ada Lovelace"
# Question 6 names the supplier's CSO by recording her in the key personnel (ADR 0038, 0046): the
# answer typed is her details in the form that adds her.
PERSON = {
    "action": "add",
    "full_name": CSO,
    "job_title": "Clinical Safety Officer",
    "email": "ada.lovelace@southern.example",
    "professional_body": "General Medical Council",
    "registration_number": "1234567",
}


def signed_in_through_the_form(member) -> Client:
    client = Client()
    response = client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def at_the_cso_question(member, fixed_today):
    from tests.answer_sets import SUPPLIER

    applicant = Applicant(signed_in_through_the_form(member)).start()
    applicant.answer_all(SUPPLIER[:5])
    return applicant


def post_after_the_session_ended(applicant, clock, question_id="s_cso"):
    version = applicant.version_of(question_id)
    clock.advance(seconds=django_settings.SESSION_COOKIE_AGE + 1)
    url = applicant.question_url(question_id)
    response = applicant.client.post(url, {"version": version, **PERSON})
    assert response.status_code == 302
    assert response["Location"] == f"/sign-in?next={url}"
    return url


def test_an_answer_posted_after_the_session_ended_is_offered_back_after_sign_in(
    at_the_cso_question, member, clock
):
    applicant = at_the_cso_question
    url = post_after_the_session_ended(applicant, clock)
    assert not Answer.objects.filter(question_id="s_cso").exists()

    signed_in = applicant.client.post(
        "/sign-in", {"email": member.email, "password": PASSWORD, "next": url}
    )
    # signed in, and asked to set up two-factor sign-in; "Do this later" goes back to the page
    assert signed_in["Location"] == f"/two-factor/set-up?next={quote(url, safe='')}"
    offer = applicant.client.get(signed_in["Location"]).content.decode()
    assert f'<a href="{url}">Do this later</a>' in offer
    page = applicant.client.get(url).content.decode()
    assert KEPT in page
    assert f'value="{CSO}"' in page or f">{CSO}<" in page
    assert "csrfmiddlewaretoken" not in str(applicant.client.session.get("kept_answer"))
    # it is never saved on its own, and it is offered only once
    assert not Answer.objects.filter(question_id="s_cso").exists()
    again = applicant.client.get(url).content.decode()
    assert KEPT not in again and CSO not in again

    # continuing saves it, with the version it was typed against
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    saved = applicant.client.post(url, {"version": version, **PERSON})
    assert saved.status_code == 302
    assert Answer.objects.get(question_id="s_cso").value == {
        "value": f"{CSO}, Clinical Safety Officer, General Medical Council 1234567"
    }


def test_a_kept_answer_is_shown_only_on_the_page_it_was_posted_to(
    at_the_cso_question, member, clock
):
    applicant = at_the_cso_question
    url = post_after_the_session_ended(applicant, clock)
    applicant.client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    other = applicant.client.get(applicant.question_url("s_uk_processing")).content.decode()
    assert KEPT not in other and CSO not in other
    assert KEPT in applicant.client.get(url).content.decode()


def test_a_kept_answer_is_never_shown_to_someone_else_who_signs_in(
    at_the_cso_question, colleague, clock
):
    applicant = at_the_cso_question
    url = post_after_the_session_ended(applicant, clock)
    # a colleague, who may see the application, signs in on the same computer
    applicant.client.post("/sign-in", {"email": colleague.email, "password": PASSWORD})
    page = applicant.client.get(url).content.decode()
    assert KEPT not in page and CSO not in page


def test_a_kept_answer_is_never_shown_to_another_organisation(at_the_cso_question, outsider, clock):
    applicant = at_the_cso_question
    url = post_after_the_session_ended(applicant, clock)
    applicant.client.post("/sign-in", {"email": outsider.email, "password": PASSWORD})
    assert applicant.client.get(url).status_code == 404


def test_a_kept_answer_expires(at_the_cso_question, member, clock):
    applicant = at_the_cso_question
    url = post_after_the_session_ended(applicant, clock)
    clock.advance(hours=2, minutes=1)
    applicant.client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    page = applicant.client.get(url).content.decode()
    assert KEPT not in page and CSO not in page


# --------------------------------------------------------------------------- check --deploy


@pytest.mark.parametrize("preload", ["true", "false"])
def test_the_production_deploy_check_finds_no_issues(preload):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-key-for-the-check-" + "z" * 20,
        "DJANGO_ALLOWED_HOSTS": "nir.example.nhs.uk",
        "SERVICE_URL": "https://nir.example.nhs.uk",
        "DJANGO_SECURE_HSTS_PRELOAD": preload,
        # Production refuses to start without a malware scanner (evidence/checks.py).
        "CLAMD_ADDRESS": "unix:///run/clamav/clamd.ctl",
        # Nor without the key that signs assurance packs (ADR 0026).
        "ASSURANCE_SIGNING_KEY": THROWAWAY_SIGNING_KEY,
        # Nor without the keys that encrypt the two-factor secrets (ADR 0010).
        "TWO_FACTOR_ENCRYPTION_KEYS": THROWAWAY_TWO_FACTOR_KEY,
        # Nor without the Redis cache that every worker reads sessions through (ADR 0027).
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def session_writes(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(
        1 for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    )


def test_the_session_is_written_at_most_once_a_minute_not_on_every_page(client_member, clock):
    from accounts.middleware import session_refresh_interval

    assert session_refresh_interval() == 60
    # Signing in started the idle clock: the first page need not write the session again.
    assert session_writes(client_member, "/") == 0
    for _ in range(3):
        clock.advance(seconds=19)
        assert session_writes(client_member, "/") == 0
    clock.advance(seconds=3)
    assert session_writes(client_member, "/") == 1


@pytest.fixture
def still_clock(monkeypatch):
    """The service's clock stopped at a whole second, moved only by advance(): a count of
    seconds is then exact, where the real clock could tick between sign-in and the page."""
    from django.utils import timezone

    from tests.web.clock import Clock

    start = timezone.now().replace(microsecond=0)
    stopped = Clock()
    monkeypatch.setattr(timezone, "now", lambda: start + stopped.offset)
    return stopped


def test_a_page_counts_the_idle_limit_from_when_the_session_last_moved_on(still_clock, member):
    """The session's expiry moves on at most once a minute, so a page loaded 40 seconds after the
    last refresh has 40 seconds less: the warning and the sign-out come when the session ends.
    "Stay signed in" restarts the whole limit, so the page is told the whole limit as well and
    counts it after staying signed in (static/js/app.js); counting only what was left at first,
    it sent the browser to sign-in early (CI, stop 30)."""
    clock = still_clock
    client_member = signed_in(member)  # signed in on the stopped clock
    limit = django_settings.SESSION_COOKIE_AGE

    def counts(page):
        left = re.search(r'data-seconds-left="(\d+)"', page)
        whole = re.search(r'data-idle-limit="(\d+)"', page)
        assert left and whole, "the page does not count the session down"
        return int(left.group(1)), int(whole.group(1))

    assert counts(client_member.get("/").content.decode()) == (limit, limit)
    clock.advance(seconds=40)
    assert counts(client_member.get("/").content.decode()) == (limit - 40, limit)
    clock.advance(seconds=21)  # a refresh is due again: the full limit
    assert counts(client_member.get("/").content.decode()) == (limit, limit)


@pytest.fixture
def redis_unreachable(settings):
    """Sessions read through a Redis that refuses connections (a real socket on a port nothing
    listens on, not a stand-in), as when production's Redis is down (ADR 0027)."""
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.SESSION_ENGINE = "accounts.session_store"
    settings.SESSION_CACHE_ALIAS = "sessions"


def test_with_redis_unreachable_people_sign_in_and_use_the_pages_from_the_database(
    redis_unreachable, member
):
    from django.contrib.sessions.models import Session

    client = Client()
    signed_in = client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert Session.objects.count() == 1
    page = client.get("/")
    assert page.status_code == 200
    assert member.email in page.content.decode()
