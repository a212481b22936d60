"""Shared by the questionnaire version tests (ADR 0044): an administrator, version 1's YAML and
a version 2 that rewords question 7 (s_cso) and adds one question (s_cso_deputy), and the
administrator's steps to publish a version."""

from __future__ import annotations

import io

from django.test import Client

from questionnaire import definitions
from questionnaire.models import VersionCandidate
from tests.conftest import DEFINITION_PATH

VERSIONS = "/administration/questionnaire-versions"
REWORDED_FROM = (
    "text: Provide the name and professional registration of your Clinical Safety Officer"
)
REWORDED_TO = f"{REWORDED_FROM} and their deputy"
ADDED_QUESTION = """  - id: s_cso_deputy
    number: "7a"
    kind: text
    title: Deputy Clinical Safety Officer
    text: Who deputises for your Clinical Safety Officer?
    max_length: 500
    applies_when: {kind: answer_is, question: role, value: supplier}
    error_name: Deputy Clinical Safety Officer
    required_error: Enter who deputises for your Clinical Safety Officer
"""


def version_1_text() -> str:
    return DEFINITION_PATH.read_text(encoding="utf-8")


def version_2_text() -> str:
    text = version_1_text().replace("\nversion: 1\n", "\nversion: 2\n", 1)
    assert REWORDED_FROM in text
    text = text.replace(REWORDED_FROM, REWORDED_TO, 1)
    anchor = "  - id: s_medical_device\n"
    assert anchor in text
    return text.replace(anchor, ADDED_QUESTION + anchor, 1)


def upload(client: Client, text: str | bytes, name: str = "stage2-v2.yaml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    file = io.BytesIO(data)
    file.name = name
    return client.post(f"{VERSIONS}/new", {"source": "upload", "definition": file})


def publish(client: Client, text: str, note: str = "Question 7 asks for the deputy too"):
    response = upload(client, text)
    assert response.status_code == 302, response.content.decode()[:2000]
    candidate = VersionCandidate.objects.get(pk=response["Location"].rsplit("/", 1)[1])
    published = client.post(response["Location"], {"note": note})
    assert published.status_code == 302, published.status_code
    return candidate


def move_form(version: int) -> dict[str, str]:
    """What the lead's form on the move page sends: the version shown, and its questionnaire."""
    return {"to_version": str(version), "definition_id": definitions.current_definition().id}
