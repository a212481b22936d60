"""A member of one organisation never sees another's application: every URL answers 404."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.answer_sets import CONTROLLER
from tests.web.conftest import Applicant, signed_in


@pytest.fixture
def someone_elses_application(applicant):
    applicant.answer_all(CONTROLLER[:3])
    return applicant


# Every URL pattern that takes an application id, with the HTTP methods its view accepts.
METHODS = {
    "applications:detail": {"GET"},
    "questionnaire:overview": {"GET"},
    "questionnaire:check_answers": {"GET", "POST"},
    "questionnaire:confirmation": {"GET"},
    "questionnaire:question": {"GET", "POST"},
}
# The question pages to try: the first question, and one further along the route.
QUESTION_IDS = ["role", "c_dspt_status"]


def url_patterns(patterns=None, namespace="", prefix=""):
    """(name, route) for every URL pattern in the project, through every include()."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner, route)
        else:
            yield f"{namespace}{pattern.name}", route


def urls(app):
    """(name, url) for every page of the application, by reversing each pattern's name."""
    application_id = app.application_url.rsplit("/", 1)[-1]
    for name in METHODS:
        if name == "questionnaire:question":
            for question_id in QUESTION_IDS:
                kwargs = {"application_id": application_id, "question_id": question_id}
                yield name, reverse(name, kwargs=kwargs)
        else:
            yield name, reverse(name, kwargs={"application_id": application_id})


def test_every_url_with_an_application_id_is_checked():
    taking_an_id = {name for name, route in url_patterns() if "application_id" in route}
    unknown = taking_an_id - set(METHODS)
    assert not unknown, f"add these to METHODS with the methods they accept: {sorted(unknown)}"
    assert taking_an_id == set(METHODS)


def test_the_methods_listed_are_the_ones_each_url_accepts(someone_elses_application):
    # PUT is accepted nowhere: the view's method check answers 405, listing what it does accept.
    for name, url in urls(someone_elses_application):
        response = someone_elses_application.client.put(url)
        assert response.status_code == 405, url
        assert set(response["Allow"].split(", ")) == METHODS[name], url


def test_another_organisation_gets_404_on_every_url(someone_elses_application, outsider):
    client = signed_in(outsider)
    data = {"version": "1", "answer": "supplier", "confirm_discard": "yes"}
    send = {"GET": client.get, "POST": lambda url: client.post(url, data)}
    for name, url in urls(someone_elses_application):
        for method in sorted(METHODS[name]):
            response = send[method](url)
            assert response.status_code == 404, (method, url, response.status_code)


def test_another_organisation_cannot_change_or_submit(someone_elses_application, outsider):
    from questionnaire.models import Answer

    client = signed_in(outsider)
    client.post(
        someone_elses_application.question_url("role"),
        {"version": "1", "answer": "supplier", "confirm_discard": "yes"},
    )
    client.post(f"{someone_elses_application.stage2}/check-answers")
    assert Answer.objects.get(question_id="role").value == {"value": "controller"}


def test_list_shows_only_own_organisation(someone_elses_application, outsider):
    page = signed_in(outsider).get("/").content.decode()
    assert "Southern Scans Ltd" in page
    assert "NIR-" not in page


def test_colleagues_in_the_same_organisation_share_the_application(
    someone_elses_application, colleague
):
    client = signed_in(colleague)
    assert client.get(someone_elses_application.stage2).status_code == 200


def test_staff_cannot_use_the_applicant_journey(someone_elses_application, reviewer):
    client = signed_in(reviewer)
    assert client.get(someone_elses_application.stage2).status_code == 404
    assert client.post("/applications/start", {"scope": "both"}).status_code == 403


def test_unknown_application_is_404(client_member):
    assert (
        client_member.get("/applications/00000000-0000-0000-0000-000000000000").status_code == 404
    )
    assert client_member.get("/applications/not-a-uuid").status_code == 404


def test_other_organisations_cannot_be_reached_through_the_services(
    someone_elses_application, outsider
):
    from applications.models import Application
    from workflow.services import answer_save
    from workflow.services import stage2_submit as response_submit

    application = Application.objects.get()
    with pytest.raises(PermissionError):
        answer_save(
            application=application,
            question_id="role",
            value={"value": "supplier"},
            expected_version=1,
            actor=outsider,
        )
    with pytest.raises(PermissionError):
        response_submit(application=application, actor=outsider)


def test_second_applicant_can_start_their_own(outsider, fixed_today):
    from applications.models import Application

    Applicant(signed_in(outsider)).start()
    assert Application.objects.get().organisation.ods_code == "8AB12"
