"""Test support: have every attestation an application's answers need given, as the service
would have it given (key personnel recorded, each person asked, each attesting through the
workflow), so that tests about other things can approve."""

from __future__ import annotations

from accounts.models import User
from applications.models import Application
from attestations.models import Attestation
from attestations.services import PersonDetails, attester_account_create, key_person_save
from tests.conftest import PASSWORD
from workflow import attestations as workflow


def person_for(application: Application, role: str, email: str | None = None) -> User:
    """The user who will attest in ``role``: an existing account for the email, or a new one."""
    email = email or f"{role.replace('_', '.')}@{application.organisation.ods_code.lower()}.example"
    user = User.objects.filter(email=email).first()
    return user or attester_account_create(
        email=email, full_name=f"Named {role}", password=PASSWORD
    )


def attest_all(application: Application) -> list[Attestation]:
    """Record a key person for each attestation the live answers need (the first role allowed),
    ask them, and have them attest. Returns the attestations given."""
    application = Application.objects.get(pk=application.pk)
    member = application.organisation.memberships.select_related("user").first().user
    given = []
    for need in workflow.attestation_needs_now(application):
        if need.satisfied:
            continue
        role = need.rule.roles[0].value
        user = person_for(application, role)
        person = application.key_personnel.filter(role=role, email=user.email).first()
        if person is None:
            person = key_person_save(
                application=application,
                person=None,
                details=PersonDetails(
                    role=role,
                    full_name=user.full_name or f"Named {role}",
                    job_title="Named in tests",
                    email=user.email,
                    professional_body="General Medical Council",
                    registration_number="1234567",
                ),
                actor=member,
            )
        asked = workflow.attestation_ask(
            application=application, rule_id=need.rule.id, person_id=person.pk, actor=member
        )
        given.append(workflow.attestation_respond(attestation_id=asked.pk, actor=user, attest=True))
    return given
