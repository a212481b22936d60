"""Moving a draft to a new version (ADR 0044, issue 26 item 2's security review): an attestation
given to a question or statement since reworded no longer counts, though the answer it speaks of
is carried unchanged; and the draft moves only to the version the lead was shown."""

import pytest

from attestations.models import Attestation, AttestationStatus
from attestations.version_move import REWORDED_REASON
from audit.models import AuditEntry
from questionnaire.models import Response, VersionMove
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.visible import words
from tests.web.conftest import Applicant

from .support import move_form, publish, version_2_text
from .test_version_journey import client_admin, client_lead, lead  # noqa: F401 - fixtures

DCB0129_TEXT = (
    "text: Confirm that your manufacturer and product are compliant with the requirements of "
    "DCB0129?"
)
DCB0129_STATEMENT_START = "  - id: s_dcb0129_confirmed\n"


def dcb0129_reworded(text: str) -> str:
    assert text.count(DCB0129_TEXT) == 1
    return text.replace(DCB0129_TEXT, DCB0129_TEXT.replace("Confirm that", "Confirm that both"))


def statement_reworded(text: str) -> str:
    start = text.index(DCB0129_STATEMENT_START)
    marker = text.index("statement: >-\n", start) + len("statement: >-\n")
    return text[:marker] + "      As reworded in version 2:\n" + text[marker:]


@pytest.fixture
def attested_draft(client_lead, fixed_today):  # noqa: F811 - the fixture imported above
    draft = Applicant(client_lead).start()
    draft.answer_all(SUPPLIER[:8])  # through s_dcb0129, which the CSO attests
    stage2 = Response.objects.get(application_id=draft.application_url.rsplit("/", 1)[1])
    (given,) = attest_all(stage2.application)
    assert given.rule_id == "s_dcb0129_confirmed"
    assert given.status == AttestationStatus.ATTESTED
    return draft, given


@pytest.mark.parametrize("reword", [dcb0129_reworded, statement_reworded])
def test_an_attestation_of_reworded_words_is_voided_and_the_lead_is_told(
    client_lead,  # noqa: F811
    client_admin,  # noqa: F811
    attested_draft,
    reword,
):
    draft, given = attested_draft
    publish(client_admin, reword(version_2_text()))

    plan = words(client_lead.get(f"{draft.stage2}/version"))
    assert (
        "Attestations you will need to ask for again The words of these questions or statements, "
        "or who may attest them, have changed, so what was attested no longer counts. "
        "Question 8: DCB0129 compliance: "
        f"{given.full_name}" in plan
    )
    assert client_lead.post(f"{draft.stage2}/version", move_form(2)).status_code == 302
    assert VersionMove.objects.get().carried[-1] == "s_dcb0129"  # the answer itself is carried

    given.refresh_from_db()
    assert given.status == AttestationStatus.VOID
    assert given.end_reason == REWORDED_REASON
    entry = AuditEntry.objects.get(action="attestation.void", object_id=str(given.pk))
    assert entry.after == {"status": "void", "reason": REWORDED_REASON}
    moved = words(client_lead.get(f"{draft.stage2}/version"))
    assert (
        "Attestations you need to ask for again The words of these questions or statements, "
        "or who may attest them, changed, so what was attested no longer counts. "
        "Question 8: DCB0129 compliance: "
        f"{given.full_name}" in moved
    )


def test_an_attestation_of_unchanged_words_still_counts(
    client_lead,  # noqa: F811
    client_admin,  # noqa: F811
    attested_draft,
):
    draft, given = attested_draft
    publish(client_admin, version_2_text())  # rewords question 7 only
    assert "Attestations you will need to ask for again None." in words(
        client_lead.get(f"{draft.stage2}/version")
    )
    client_lead.post(f"{draft.stage2}/version", move_form(2))
    given.refresh_from_db()
    assert given.status == AttestationStatus.ATTESTED
    assert Attestation.objects.filter(status=AttestationStatus.VOID).count() == 0


def test_a_version_published_after_the_lead_looked_is_shown_before_anything_moves(
    client_lead,  # noqa: F811
    client_admin,  # noqa: F811
    fixed_today,
):
    draft = Applicant(client_lead).start()
    draft.answer_all(SUPPLIER[:6])
    publish(client_admin, version_2_text())
    plan = client_lead.get(f"{draft.stage2}/version")
    assert 'name="to_version" value="2"' in plan.content.decode()
    version_3 = version_2_text().replace("\nversion: 2\n", "\nversion: 3\n", 1)
    publish(client_admin, version_3, note="Version 3")

    # The lead's form, filled in for version 2, is sent after version 3 was published.
    shown = client_lead.post(f"{draft.stage2}/version", move_form(2))
    assert shown.status_code == 200
    page = words(shown)
    assert "A newer version was published: check what moving to version 3 means" in page
    assert "Move this application to version 3 of the questions" in page
    stage2 = Response.objects.get(application_id=draft.application_url.rsplit("/", 1)[1])
    assert stage2.definition_version == 1
    assert not VersionMove.objects.exists()

    # Sent again from that page, it moves to version 3.
    assert 'name="to_version" value="3"' in shown.content.decode()
    assert client_lead.post(f"{draft.stage2}/version", move_form(3)).status_code == 302
    stage2.refresh_from_db()
    assert stage2.definition_version == 3
