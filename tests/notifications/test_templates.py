"""The templates registry: every template, its fields, and how it renders."""

import pytest

from notifications.templates import PLACEHOLDER, TEMPLATES, template_get
from tests.notifications.conftest import DECISION

FIELDS = {
    "stage2_submitted": {"reference", "organisation", "role", "submitted_at", "url"},
    "stage2_resubmitted": {"reference", "organisation", "role", "submitted_at", "url"},
    "decision": {"reference", "organisation", "decision", "reason", "url"},
    "hold_raised": {"reference", "organisation", "reason", "lifted_by", "url"},
    "hold_lifted": {"reference", "organisation", "reason", "url"},
    "document_requested": {"reference", "organisation", "title", "due_date", "url"},
    "document_asked_again": {"reference", "organisation", "title", "reason", "due_date", "url"},
    "attestation_requested": {"name", "organisation", "reference", "statements", "expires", "url"},
    "dspt_expiring": {"reference", "organisation", "published", "lapses_on", "days_left", "url"},
    "dspt_lapsed": {"reference", "organisation", "published", "lapsed_on", "url"},
    "reply_received": {"reference", "organisation", "about", "url"},
    "certificate_expiring": {"organisation", "subject", "fingerprint", "expires_on", "days", "url"},
    "certificate_expired": {"organisation", "subject", "fingerprint", "expired_on", "url"},
    "invitation": {"joining", "expires", "url"},
    "password_reset": {"minutes", "url"},
    "two_factor_reset": {"reason", "url"},
}


def test_the_registry_has_each_template_with_its_fields():
    assert {name: set(template.fields) for name, template in TEMPLATES.items()} == FIELDS


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_each_template_uses_exactly_its_fields_and_renders_every_one(name):
    template = template_get(name)
    assert set(PLACEHOLDER.findall(template.subject + template.body)) == FIELDS[name]
    values = {field: f"<{field} value>" for field in template.fields}
    rendered = template.render(values)
    assert "((" not in rendered.subject + rendered.body
    for field in template.fields:
        assert f"<{field} value>" in rendered.subject + rendered.body


def test_the_decision_email_reads_plainly():
    rendered = template_get("decision").render(DECISION)
    assert rendered.subject == "NIR onboarding: NIR-7KQ2-M9XD-4TPH - changes requested"
    assert "Update: changes requested" in rendered.body
    assert "Upload your DCB0160 clinical safety case report." in rendered.body
    assert rendered.body.rstrip().endswith("Do not reply to this email.")


def test_a_value_is_never_expanded_again_and_the_subject_stays_on_one_line():
    values = dict(DECISION, decision="approved\r\nBcc: someone@example.com ((url))")
    rendered = template_get("decision").render(values)
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert "((url))" in rendered.subject


def test_an_unknown_template_raises():
    with pytest.raises(ValueError, match="Unknown notification template 'decisions'"):
        template_get("decisions")


@pytest.mark.parametrize(
    "personalisation, message",
    [
        ({k: v for k, v in DECISION.items() if k != "reason"}, r"missing \['reason'\]"),
        (dict(DECISION, colour="blue"), r"unexpected \['colour'\]"),
        (dict(DECISION, reference=123), r"\['reference'\] must be text"),
    ],
)
def test_personalisation_must_have_exactly_the_fields_as_text(personalisation, message):
    with pytest.raises(ValueError, match=message):
        template_get("decision").render(personalisation)
