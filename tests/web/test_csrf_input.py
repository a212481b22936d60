"""The CSRF token on a page is masked once, however many forms show it (core.context_processors
.csrf, issue 12), and it is still a working token: a form posted with it is accepted, and one
posted with another is refused."""

import re

from django.test import Client

from tests.answer_sets import CONTROLLER

QUESTION = CONTROLLER[0][0]


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def _strict_client(member) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


def test_a_page_with_two_forms_masks_its_token_once_and_each_page_anew(member, applicant):
    client = _strict_client(member)
    url = applicant.question_url(QUESTION)

    first = _tokens(client.get(url).content.decode())
    second = _tokens(client.get(url).content.decode())

    # The question's form and the sign-out form (which the header's and the timeout dialog's
    # Sign out buttons submit).
    assert len(first) == 2
    assert first[0] == first[1]
    # Masked afresh for each response (BREACH), as before.
    assert second[0] != first[0]


def test_the_token_a_page_shows_is_accepted_and_another_is_refused(member, applicant):
    client = _strict_client(member)
    url = applicant.question_url(QUESTION)
    token = _tokens(client.get(url).content.decode())[0]
    data = {"version": "0", **dict(CONTROLLER[0][1])}

    refused = client.post(url, {**data, "csrfmiddlewaretoken": token[::-1]})
    accepted = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
