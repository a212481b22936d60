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


def test_another_organisation_cannot_change_or_submit(applicant, outsider):
    """The application is complete, and the outsider sends the declaration that would be theirs
    (its words name who sends and for whom, and are no secret), so only the refusal of another
    organisation's member stops their change and their submission: both are a 404, and nothing
    of the application changes. Its member then submits it, as it stands."""
    from applications.models import Application
    from audit.models import AuditEntry
    from questionnaire.models import Answer
    from workflow.applicant.declaration import declaration_for
    from workflow.models import Submission

    applicant.answer_all(CONTROLLER)
    declaration = applicant.declaration_shown()
    assert declaration
    application = Application.objects.get()

    def state():
        application.refresh_from_db()
        answers = dict(Answer.objects.values_list("question_id", "value"))
        return (
            application.stage2_state,
            application.stage2_version,
            application.stage2_submitted_at,
            answers,
            Submission.objects.count(),
            AuditEntry.objects.count(),
        )

    before = state()
    assert before[0] == "draft" and before[3]["role"] == {"value": "controller"}
    client = signed_in(outsider)
    changed = client.post(
        applicant.question_url("role"),
        {"version": applicant.version_of("role"), "answer": "supplier", "confirm_discard": "yes"},
    )
    assert changed.status_code == 404
    theirs = declaration_for(user=outsider, organisation=application.organisation).digest
    submitted = client.post(f"{applicant.stage2}/check-answers", {"declaration": theirs})
    assert submitted.status_code == 404
    assert state() == before

    response = applicant.client.post(
        f"{applicant.stage2}/check-answers", {"declaration": declaration}
    )
    assert response["Location"] == f"{applicant.stage2}/confirmation"
    assert state()[0] == "submitted" and Submission.objects.count() == 1


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


def test_the_selectors_scope_each_kind_of_user(organisation, member, outsider, reviewer):
    """applications/selectors.py itself (`make mutation`, docs/testing.md): a member sees their
    own organisation's applications, drafts included; NHS England sees only those submitted at
    least once, whoever's; anyone else sees nothing."""
    from django.http import Http404
    from django.utils import timezone

    from applications.models import Application
    from applications.selectors import (
        application_get_for_member,
        application_get_for_reviewer,
        applications_visible_to,
    )

    draft = Application.objects.create(organisation=organisation, scope="both", created_by=member)
    sent = Application.objects.create(
        organisation=organisation,
        scope="both",
        created_by=member,
        stage2_submitted_at=timezone.now(),
    )
    assert set(applications_visible_to(member)) == {draft, sent}
    assert set(applications_visible_to(outsider)) == set()
    assert set(applications_visible_to(reviewer)) == {sent}
    member.kind = "superuser"  # not a kind the service knows: sees nothing
    assert set(applications_visible_to(member)) == set()
    member.kind = "applicant"

    assert application_get_for_member(user=member, application_id=draft.pk) == draft
    assert application_get_for_reviewer(user=reviewer, application_id=sent.pk) == sent
    for user, application in [(reviewer, draft), (member, sent), (member, draft)]:
        with pytest.raises(Http404):
            application_get_for_reviewer(user=user, application_id=application.pk)
    for user in (reviewer, outsider):
        with pytest.raises(Http404):
            application_get_for_member(user=user, application_id=draft.pk)
