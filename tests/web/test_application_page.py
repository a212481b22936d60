"""The application page lists the five onboarding stages, in order, each with its status."""

import re

import pytest

from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.visible import words

STAGE_TITLES = [
    "1. Setup and eligibility",
    "2. Governance Assurance",
    "3. Home Community ID integration",
    "4. Technical conformance",
    "5. Legal agreement (connection agreement)",
]
CANNOT_START = ("Cannot start yet", "nhsuk-task-list__status--cannot-start-yet")


def text_of(html):
    """The visible text of a page or part of one, every run of white space one space."""
    return words(html)


def stages(page):
    """Each task-list row as (title, link, status text, status classes)."""
    html = page.content.decode()
    task_list = re.search(r'<ul class="nhsuk-task-list".*?</ul>', html, re.S).group(0)
    rows = []
    for item in re.findall(r'<li class="nhsuk-task-list__item.*?</li>', task_list, re.S):
        opening = '<div class="nhsuk-task-list__status'
        name, status = item.split(opening, 1)
        name = re.sub(r'<div class="nhsuk-task-list__hint".*?</div>', "", name, flags=re.S)
        link = re.search(r'href="([^"]*)"', name)
        tag = re.search(r'<strong class="nhsuk-tag ([^"]*)"', status)
        classes = tag.group(1) if tag else re.match(r'([^"]*)"', status).group(1).strip()
        rows.append(
            (text_of(name), link.group(1) if link else None, text_of(opening + status), classes)
        )
    return rows


def expected(applicant, tag_text, tag_class):
    return [
        (STAGE_TITLES[0], None, "Completed", ""),
        (STAGE_TITLES[1], applicant.stage2, tag_text, tag_class),
        *((title, None, *CANNOT_START) for title in STAGE_TITLES[2:]),
    ]


def test_a_new_application_shows_the_five_stages_in_order(applicant):
    page = applicant.client.get(applicant.application_url)
    assert page.status_code == 200
    assert stages(page) == expected(applicant, "Not started", "nhsuk-tag--grey")


@pytest.mark.parametrize(
    ("answers", "then", "tag_text", "tag_class"),
    [
        (CONTROLLER[:2], None, "In progress", "nhsuk-tag--blue"),
        (SUPPLIER, "submit", "Submitted", "nhsuk-tag--purple"),
        (
            [*CONTROLLER[:1], ("c_dspt_status", {"answer": "approaching_standards"})],
            None,
            "Paused",
            "nhsuk-tag--red",
        ),
    ],
    ids=["in progress", "submitted", "paused"],
)
def test_stage_2_shows_its_state_and_the_later_stages_cannot_start(
    applicant, answers, then, tag_text, tag_class
):
    applicant.answer_all(answers)
    if then == "submit":
        assert applicant.submit().status_code == 302
    page = applicant.client.get(applicant.application_url)
    assert stages(page) == expected(applicant, tag_text, tag_class)


def hints(page):
    """Each stage's hint: why it cannot start, or what it waits for."""
    html = page.content.decode()
    return [
        words(hint)
        for hint in re.findall(r'<div class="nhsuk-task-list__hint"[^>]*>(.*?)</div>', html, re.S)
    ]


def test_a_stage_that_cannot_start_says_why(applicant):
    applicant.answer_all(SUPPLIER)
    page = applicant.client.get(applicant.application_url)
    assert hints(page) == [
        "NHS England has not approved stage 2 yet.",
        "Starts after stage 3.",
        "Starts after stage 4.",
    ]
