"""An attested statement counts only as the rule now asks it (ADR 0012, ADR 0044): attested in a
role the rule allows and of the question it speaks of, whatever the statement's rule id. A new
version of the questions may change either under the same id. Without a database."""

from django.utils import timezone

from attestations.models import Attestation, AttestationStatus
from attestations.selectors import NOT_AS_THE_RULE_ASKS, attestation_needs


def _need(definition, **given):
    rule = next(r for r in definition.attestations if r.id == "s_dcb0129_confirmed")
    attested = Attestation(
        rule_id=rule.id,
        question_id=given.get("question_id", rule.question),
        role=given.get("role", "cso"),
        answer_revision=1,
        status=AttestationStatus.ATTESTED,
        requested_at=timezone.now(),
    )
    (need,) = attestation_needs(
        definition=definition,
        required=[rule],
        attestations=[attested],
        revisions={rule.question: 1, "s_hazard_log": 1},
    )
    return need


def test_an_attestation_in_a_role_the_rule_allows_of_its_question_counts(definition):
    assert _need(definition).satisfied


def test_an_attestation_in_a_role_the_rule_does_not_allow_does_not_count(definition):
    need = _need(definition, role="medical_director")
    assert not need.satisfied
    assert need.status_text == NOT_AS_THE_RULE_ASKS


def test_an_attestation_of_another_question_does_not_count(definition):
    need = _need(definition, question_id="s_hazard_log")
    assert not need.satisfied
    assert need.status_text == NOT_AS_THE_RULE_ASKS
