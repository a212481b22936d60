"""Moving a draft to a new version whose attestation rule, under the same id, allows other roles
or words its question's options differently (ADR 0044; the review of issue 26 item 2's move):
an attestation given by a role the rule now refuses, or to options since reworded, no longer
counts, is voided by the move, and is not taken as a response either."""

import pytest

from applications.models import Application
from attestations.models import Attestation, AttestationStatus
from attestations.services import PersonDetails
from attestations.services import key_person_save as person_save
from attestations.version_move import REWORDED_REASON, RULE_CHANGED_REASON
from audit.models import AuditEntry
from questionnaire.models import Response, VersionMove
from tests.answer_sets import SUPPLIER
from tests.attestations.support import person_for
from tests.visible import words
from tests.web.conftest import Applicant
from workflow.applicant import attestations as workflow

from .support import move_form, publish, version_2_text
from .test_move_attestations import attested_draft  # noqa: F401 - fixture
from .test_version_journey import client_admin, client_lead, lead  # noqa: F401 - fixtures

RULE_START = "  - id: s_dcb0129_confirmed\n"
YES_LABEL = '{value: confirmed, label: "Yes, I confirm"}'


def dcb0129_roles(text: str, roles: str) -> str:
    """``text`` with the s_dcb0129_confirmed rule allowing ``roles`` (YAML flow list)."""
    start = text.index(RULE_START)
    at = text.index("    roles: [cso]\n", start)
    assert at < text.index("statement:", start)
    return text[:at] + f"    roles: {roles}\n" + text[at + len("    roles: [cso]\n") :]


def yes_relabelled(text: str) -> str:
    """Version 2 with the option s_dcb0129 (and the questions sharing its options) is answered
    with worded differently: the question's own words are unchanged."""
    assert text.count(YES_LABEL) == 1
    return text.replace(YES_LABEL, '{value: confirmed, label: "Yes, we confirm it in full"}')


def stage2_of(draft) -> Response:
    return Response.objects.get(application_id=draft.application_url.rsplit("/", 1)[1])


def dcb0129_need(application: Application):
    application = Application.objects.get(pk=application.pk)
    (need,) = [
        n for n in workflow.attestation_needs_now(application) if n.rule.id == "s_dcb0129_confirmed"
    ]
    return need


def test_a_rule_that_no_longer_allows_the_attesters_role_voids_the_attestation_on_move(
    client_lead,  # noqa: F811
    client_admin,  # noqa: F811
    attested_draft,  # noqa: F811
):
    draft, given = attested_draft
    assert given.role == "cso"
    publish(client_admin, dcb0129_roles(version_2_text(), "[medical_director]"))

    plan = words(client_lead.get(f"{draft.stage2}/version"))
    assert (
        "Attestations you will need to ask for again The words of these questions or statements, "
        "or who may attest them, have changed, so what was attested no longer counts. "
        f"Question 8: DCB0129 compliance: {given.full_name}" in plan
    )
    assert client_lead.post(f"{draft.stage2}/version", move_form(2)).status_code == 302
    assert "s_dcb0129" in VersionMove.objects.get().carried

    given.refresh_from_db()
    assert given.status == AttestationStatus.VOID
    assert given.end_reason == RULE_CHANGED_REASON
    entry = AuditEntry.objects.get(action="attestation.void", object_id=str(given.pk))
    assert entry.after == {"status": "void", "reason": RULE_CHANGED_REASON}
    need = dcb0129_need(given.application)
    assert not need.satisfied
    assert f"Question 8: DCB0129 compliance: {given.full_name}" in words(
        client_lead.get(f"{draft.stage2}/version")
    )


def test_a_rule_that_still_allows_the_attesters_role_keeps_the_attestation(
    client_lead,  # noqa: F811
    client_admin,  # noqa: F811
    attested_draft,  # noqa: F811
):
    draft, given = attested_draft
    publish(client_admin, dcb0129_roles(version_2_text(), "[cso, medical_director]"))
    client_lead.post(f"{draft.stage2}/version", move_form(2))
    given.refresh_from_db()
    assert given.status == AttestationStatus.ATTESTED
    assert dcb0129_need(given.application).satisfied


def test_an_attestation_of_an_answer_whose_options_were_reworded_is_voided_on_move(
    client_lead,  # noqa: F811
    client_admin,  # noqa: F811
    attested_draft,  # noqa: F811
):
    draft, given = attested_draft
    publish(client_admin, yes_relabelled(version_2_text()))
    assert f"Question 8: DCB0129 compliance: {given.full_name}" in words(
        client_lead.get(f"{draft.stage2}/version")
    )
    client_lead.post(f"{draft.stage2}/version", move_form(2))
    given.refresh_from_db()
    assert given.status == AttestationStatus.VOID
    assert given.end_reason == REWORDED_REASON
    assert not dcb0129_need(given.application).satisfied


def _moved_without_voiding(draft) -> None:
    """The response put on version 2 as a move that voided nothing would leave it: what the
    need and a response must refuse on their own."""
    Response.objects.filter(pk=stage2_of(draft).pk).update(definition_version=2)


def test_an_attestation_by_a_role_the_rule_now_refuses_does_not_count(
    client_admin,  # noqa: F811
    attested_draft,  # noqa: F811
):
    draft, given = attested_draft
    assert dcb0129_need(given.application).satisfied
    publish(client_admin, dcb0129_roles(version_2_text(), "[medical_director]"))
    _moved_without_voiding(draft)
    need = dcb0129_need(given.application)
    assert need.latest == given
    assert not need.satisfied


@pytest.fixture
def cso_asked(client_lead, fixed_today):  # noqa: F811
    """A supplier's draft through s_dcb0129, its CSO asked to attest it and not yet responded."""
    draft = Applicant(client_lead).start()
    draft.answer_all(SUPPLIER[:8])
    application = stage2_of(draft).application
    member = application.organisation.memberships.select_related("user").first().user
    user = person_for(application, "cso")
    person = person_save(
        application=application,
        person=None,
        details=PersonDetails(
            role="cso",
            full_name="Named cso",
            job_title="Clinical Safety Officer",
            email=user.email,
            professional_body="General Medical Council",
            registration_number="1234567",
        ),
        actor=member,
    )
    asked = workflow.attestation_ask(
        application=application,
        rule_id="s_dcb0129_confirmed",
        person_id=person.pk,
        actor=member,
    )
    return draft, asked, user


def test_a_response_in_a_role_the_rule_now_refuses_is_refused(
    client_admin,  # noqa: F811
    cso_asked,
):
    draft, asked, user = cso_asked
    publish(client_admin, dcb0129_roles(version_2_text(), "[medical_director]"))
    _moved_without_voiding(draft)
    with pytest.raises(workflow.AttestationRefused, match="no longer counts"):
        workflow.attestation_respond(attestation_id=asked.pk, actor=user, attest=True)
    assert Attestation.objects.get(pk=asked.pk).status == AttestationStatus.REQUESTED


def test_a_response_in_a_role_the_rule_still_allows_is_taken(
    client_admin,  # noqa: F811
    cso_asked,
):
    draft, asked, user = cso_asked
    publish(client_admin, dcb0129_roles(version_2_text(), "[cso, medical_director]"))
    _moved_without_voiding(draft)
    workflow.attestation_respond(attestation_id=asked.pk, actor=user, attest=True)
    assert Attestation.objects.get(pk=asked.pk).status == AttestationStatus.ATTESTED
