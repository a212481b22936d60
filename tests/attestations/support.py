"""Test support: have every attestation an application's answers need given, as the service
would have it given (key personnel recorded, each person asked, each attesting through the
workflow), so that tests about other things can approve; and the key person, the asking and the
link as the attestation tests use them."""

from __future__ import annotations

import html

from accounts.models import User
from applications.models import Application
from attestations.models import Attestation
from attestations.services import PersonDetails, attester_account_create, key_person_save
from notifications.models import Notification
from tests.conftest import PASSWORD
from tests.web.conftest import errors_on as raw_errors_on
from workflow.applicant import attestations as workflow


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


CSO = {
    "role": "cso",
    "full_name": "Dr Ada Lovelace",
    "job_title": "Clinical Safety Officer",
    "email": "Ada.Lovelace@northern.example",
    "professional_body": "General Medical Council",
    "registration_number": "1234567",
}
STATEMENT = "our manufacturer and product are compliant with the requirements of DCB0129"


def errors_on(response):
    return [html.unescape(text) for text in raw_errors_on(response)]


def people_url(applicant, tail=""):
    return f"{applicant.application_url}/key-personnel{tail}"


def add_person(applicant, data):
    return applicant.client.post(people_url(applicant, "/add"), data)


def ask(applicant, person, rule="s_dcb0129_confirmed"):
    return applicant.client.post(
        f"{applicant.application_url}/attestations/{rule}", {"person": str(person.pk)}
    )


def link_of(attestation_email):
    """The link in the queued email's personalisation (kept until the email has gone)."""
    notification = Notification.objects.filter(
        template="attestation_requested", recipient=attestation_email
    ).latest("created_at")
    return notification.personalisation["url"].removeprefix("https://nir.example.nhs.uk")


def request_url(attestation: Attestation, tail: str = "") -> str:
    """The named person's one page for their request (ADR 0038), or a page under it."""
    return f"/attestations/requests/{attestation.request_id}{tail}"


def answer(attestation: Attestation, response: str, reason: str = "") -> dict[str, str]:
    """The request page's form data responding to one statement."""
    data = {f"response-{attestation.pk}": response}
    if reason:
        data[f"reason-{attestation.pk}"] = reason
    return data
