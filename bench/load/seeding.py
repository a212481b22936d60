"""What `make bench-load` and `make bench-calls` measure against (bench/load/run.py): applicants
seeded through the service's own services, each answered up to the question the bench posts to,
signed in; and what the bench reads back to check that every POST was saved and audited."""

import secrets
from pathlib import Path

# The page measured (GET) and answered (POST): a radios question with supporting information
# and a conditional text field. Each POST changes the text, so the answer is saved, audited and
# re-judged; the service then redirects to the next question.
QUESTION_ID = "c_incident_management"
ANSWERED_UP_TO = QUESTION_ID


def seed(count: int) -> list[dict]:
    """One organisation, applicant and draft application for each of `count` clients, answered
    through the services up to QUESTION_ID; a signed-in session and a CSRF secret each."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.middleware import REFRESHED_KEY
    from accounts.services import organisation_create, user_create
    from questionnaire import definitions
    from questionnaire.engine.answers import parse_answer
    from tests.answer_sets import CONTROLLER
    from workflow.services import answer_save, application_start

    definition = definitions.current_definition()
    today = definitions.today()
    pages = []
    for question_id, data in CONTROLLER:
        if data is not None:
            pages.append((question_id, data))
        if question_id == ANSWERED_UP_TO:
            break
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]
    clients = []
    for i in range(count):
        organisation = organisation_create(
            name=f"Bench Load Trust {i}", ods_code=f"BL{i:03d}", actor=None
        )
        user = user_create(
            email=f"bench.load{i}@example.com",
            password=secrets.token_urlsafe(16),
            organisation=organisation,
            actor=None,
        )
        application = application_start(actor=user, scope="both")
        for question_id, data in pages:
            parsed = parse_answer(definition.question(question_id), data, today)
            assert parsed.is_valid and parsed.value is not None, (question_id, parsed.errors)
            answer_save(
                application=application,
                question_id=question_id,
                value=parsed.value,
                expected_version=0,
                actor=user,
            )
        # What django.contrib.auth.login() keeps in the session, and the idle refresh's mark.
        session = session_store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[REFRESHED_KEY] = int(timezone.now().timestamp())
        session.save()
        clients.append(
            {
                "session": session.session_key,
                "csrf": get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS),
                "app": str(application.pk),
            }
        )
    return clients


def answer_state() -> dict[str, tuple[int, str]]:
    """Each application's answer to QUESTION_ID: (version, description)."""
    from questionnaire.models import Answer

    return {
        str(application_id): (version, value.get("description", ""))
        for application_id, version, value in Answer.objects.filter(
            question_id=QUESTION_ID
        ).values_list("response__application_id", "version", "value")
    }


def change_counts() -> tuple[int, int]:
    """Audit entries and answer revisions recording changes to QUESTION_ID's answers."""
    from audit.models import AuditEntry
    from questionnaire.models import AnswerRevision

    return (
        AuditEntry.objects.filter(action="answer.update", subject=QUESTION_ID).count(),
        AnswerRevision.objects.filter(question_id=QUESTION_ID).count(),
    )


def write_clients_file(path: Path, clients: list[dict]) -> None:
    """The Lua table load.lua reads, with each answer's version as the database has it now."""
    state = answer_state()
    lines = ["return {"]
    for client in clients:
        version = state[client["app"]][0]
        lines.append(
            f'  {{session = "{client["session"]}", csrf = "{client["csrf"]}", '
            f'app = "{client["app"]}", version = {version}}},'
        )
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def description(version: int) -> str:
    # As load.lua writes it.
    return f"P1 to P4 with SLAs; we escalate to the National Service Desk. Revision {version}"
