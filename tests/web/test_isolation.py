"""A member of one organisation never sees another's application.

Every URL, asked with every method it accepts by every kind of user, is in
tests/web/test_authorization_matrix.py; these are the journeys and services around it."""

import pytest

from tests.answer_sets import CONTROLLER
from tests.web.conftest import Applicant, signed_in


@pytest.fixture
def someone_elses_application(applicant):
    applicant.answer_all(CONTROLLER[:3])
    return applicant


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
        response_submit(application=application, actor=outsider, declaration_digest="")


def test_second_applicant_can_start_their_own(outsider, fixed_today):
    from applications.models import Application

    Applicant(signed_in(outsider)).start()
    assert Application.objects.get().organisation.ods_code == "8AB12"
