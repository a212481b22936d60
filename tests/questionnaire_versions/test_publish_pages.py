"""An administrator publishes a questionnaire version (issue 26 item 2, ADR 0044): a file is
checked as questionnaire_check checks it, a refusal says why in the error summary and nothing is
kept, the differences and a preview as each role are shown, and publishing needs a note. Every
step is audited; nobody but an administrator reaches the pages."""

import io
import json
import re

import pytest

from accounts.models import UserKind
from accounts.services import user_create
from audit.models import AuditEntry
from questionnaire import definitions
from questionnaire.models import PublishedVersion, VersionCandidate
from tests.conftest import PASSWORD
from tests.visible import visible_text, words
from tests.web.conftest import errors_on, signed_in

from .support import VERSIONS, publish, upload, version_1_text, version_2_text


def nothing_kept():
    return not PublishedVersion.objects.exists() and not VersionCandidate.objects.exists()


# The check's own words name the questions of the administrator's file by their ids.
@pytest.mark.shows_typed_text("s_isms", "s_dspt_status", "s_uk_processing", "s_cso")
def test_a_file_that_fails_the_checks_is_refused_with_the_reason_and_nothing_is_kept(client_admin):
    broken = version_2_text().replace(
        "kind: answer_is, question: role,", "kind: answer_is, question: nobody,", 1
    )
    response = upload(client_admin, broken)
    assert response.status_code == 400
    assert errors_on(response) == ["The selected file is not a valid questionnaire definition"]
    page = words(response)
    assert "nobody" in page  # the check's own words say where
    assert nothing_kept()
    assert definitions.current_definition().version == 1
    refusal = AuditEntry.objects.get(action="questionnaire_version.refuse")
    assert refusal.subject == "stage2-v2.yaml"
    assert refusal.after["reason"] == "The selected file is not a valid questionnaire definition"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("id: x\nversion: [\n", "The selected file is not a valid questionnaire definition"),
        (b"\xff\xfe not utf-8", "The selected file must be text in UTF-8"),
        (b"%PDF-1.7 a pdf", "The selected file must be a YAML file"),
        ("PLACEHOLDER-CONTROL", "The selected file must not contain control characters"),
        ("PLACEHOLDER-V1", "The version number must be higher than the current version, 1"),
        (
            "PLACEHOLDER-OTHER-ID",
            "The questionnaire id must be nir-stage2-governance-assurance, "
            "not another-questionnaire",
        ),
        (b"", "The selected file is empty"),
    ],
)
def test_each_refusal_says_why_and_keeps_nothing(client_admin, content, error):
    if content == "PLACEHOLDER-CONTROL":
        content = version_2_text().replace(
            "title: Governance Assurance", "title: Governance\x07 Assurance"
        )
    elif content == "PLACEHOLDER-V1":
        content = version_1_text()
    elif content == "PLACEHOLDER-OTHER-ID":
        content = version_2_text().replace(
            "id: nir-stage2-governance-assurance", "id: another-questionnaire", 1
        )
    response = upload(client_admin, content)
    assert response.status_code == 400
    assert errors_on(response) == [error]
    assert nothing_kept()


def test_a_file_too_large_is_refused_while_it_streams(client_admin):
    response = upload(client_admin, "#" * (1024 * 1024))
    assert errors_on(response) == ["The selected file must be smaller than 1MB"]
    assert nothing_kept()


def test_no_file_chosen_says_select_a_file(client_admin):
    response = client_admin.post(
        f"{VERSIONS}/new", {"source": "file", "file_name": "../settings.py"}
    )
    assert errors_on(response) == ["Select a file"]
    assert nothing_kept()


def test_the_differences_show_what_was_added_and_reworded(client_admin):
    response = upload(client_admin, version_2_text())
    assert response.status_code == 302
    page = words(client_admin.get(response["Location"]))
    assert "How it differs from version 1, the current version" in page
    assert "Questions added Question 7a: Deputy Clinical Safety Officer" in page
    assert "Question 6: Clinical Safety Officer. Its wording changed" in page
    assert "Questions removed" not in page
    candidate = VersionCandidate.objects.get()
    assert candidate.version == 2 and candidate.published is None
    assert not PublishedVersion.objects.exists()
    check = AuditEntry.objects.get(action="questionnaire_version.check")
    assert check.after["version"] == 2 and check.after["sha256"] == candidate.sha256


def test_a_removed_question_and_a_changed_rule_are_shown(client_admin):
    publish(client_admin, version_2_text())
    version_3 = version_1_text().replace("\nversion: 1\n", "\nversion: 3\n", 1)
    version_3 = version_3.replace("reason: ", "reason: Now ", 1)
    page = words(client_admin.get(upload(client_admin, version_3)["Location"]))
    assert "How it differs from version 2, the current version" in page
    assert "Questions removed Question 7a: Deputy Clinical Safety Officer" in page
    assert "Rules added, removed or changed Changed: Now " in page


def test_the_preview_shows_each_role_its_own_questions(client_admin):
    location = upload(client_admin, version_2_text())["Location"]
    supplier = words(client_admin.get(f"{location}/preview/supplier"))
    controller = words(client_admin.get(f"{location}/preview/controller"))
    assert "Version 2 as a Data Processor (Supplier) sees it" in supplier
    assert "Question 7a: Deputy Clinical Safety Officer" in supplier
    assert "and their deputy" in supplier
    assert "Deputy Clinical Safety Officer" not in controller
    assert "Question 1: Onboarding role" in controller
    assert client_admin.get(f"{location}/preview/reviewer").status_code == 404


def test_publishing_needs_a_note_then_new_applications_answer_the_version(client_admin):
    location = upload(client_admin, version_2_text())["Location"]
    refused = client_admin.post(location, {"note": "  "})
    assert errors_on(refused) == ["Enter a note about what changed in this version"]
    assert not PublishedVersion.objects.exists()
    published = client_admin.post(location, {"note": "Question 6 asks for the deputy"})
    assert published.status_code == 302
    assert definitions.current_definition().version == 2
    version = PublishedVersion.objects.get()
    assert version.note == "Question 6 asks for the deputy"
    assert version.published_by.email == "admin@england.example"
    entry = AuditEntry.objects.get(action="questionnaire_version.publish")
    assert entry.after["version"] == 2 and entry.after["note"] == "Question 6 asks for the deputy"
    listing = words(client_admin.get(VERSIONS))
    assert "New applications answer version 2" in listing
    assert "Question 6 asks for the deputy" in listing
    # Published once: the same candidate again is refused, and so is version 2 again.
    assert errors_on(client_admin.post(location, {"note": "Again"})) == [
        "This version has already been published"
    ]
    assert upload(client_admin, version_2_text()).status_code == 400


def test_every_version_stays_downloadable_as_fhir(client_admin):
    publish(client_admin, version_2_text())
    for version in (1, 2):
        response = client_admin.get(
            f"/questionnaires/nir-stage2-governance-assurance/v{version}.fhir.json"
        )
        assert response.status_code == 200
        resource = json.loads(response.content)
        assert resource["resourceType"] == "Questionnaire"
        assert resource["version"] == str(version)
    v2 = json.loads(
        client_admin.get("/questionnaires/nir-stage2-governance-assurance/v2.fhir.json").content
    )
    assert "and their deputy" in json.dumps(v2)


def test_a_version_can_be_chosen_from_the_questionnaire_folder(client_admin, settings, tmp_path):
    (tmp_path / "stage2-v1.yaml").write_text(version_1_text())
    (tmp_path / "stage2-v2.yaml").write_text(version_2_text())
    settings.QUESTIONNAIRE_DIR = tmp_path
    definitions.cache_clear()
    try:
        assert "stage2-v2.yaml" in words(client_admin.get(f"{VERSIONS}/new"))
        response = client_admin.post(
            f"{VERSIONS}/new", {"source": "file", "file_name": "stage2-v2.yaml"}
        )
        assert response.status_code == 302
        assert (
            client_admin.post(response["Location"], {"note": "From the folder"}).status_code == 302
        )
        assert PublishedVersion.objects.get().source_name == "stage2-v2.yaml"
        assert definitions.current_definition().version == 2
    finally:
        definitions.cache_clear()


@pytest.mark.parametrize("kind", ["reviewer", "applicant"])
def test_reviewers_and_applicants_are_refused(db, kind, member):
    if kind == "reviewer":
        user = user_create(
            email="r@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
        )
    else:
        user = member
    client = signed_in(user)
    assert client.get(VERSIONS).status_code == 403
    assert upload(client, version_2_text()).status_code == 403
    assert nothing_kept()


@pytest.fixture
def quarantine_writes(monkeypatch, settings, tmp_path):
    """Each quarantine file the request writes, by path (the folder is the test's own)."""
    import evidence.upload

    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    written = []
    real = evidence.upload.new_quarantine_file

    def recorded():
        path, out = real()
        written.append(path)
        return path, out

    monkeypatch.setattr(evidence.upload, "new_quarantine_file", recorded)
    return written


@pytest.mark.parametrize("kind", ["reviewer", "applicant"])
def test_nobody_but_an_administrator_has_a_byte_of_an_upload_written(
    db, kind, member, quarantine_writes
):
    user = member
    if kind == "reviewer":
        user = user_create(
            email="r@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
        )
    assert upload(signed_in(user), version_2_text()).status_code == 403
    assert quarantine_writes == []


def test_a_file_sent_with_a_folder_choice_is_discarded_unread(
    client_admin, settings, tmp_path, quarantine_writes, monkeypatch
):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "stage2-v1.yaml").write_text(version_1_text())
    (folder / "stage2-v2.yaml").write_text(version_2_text())
    settings.QUESTIONNAIRE_DIR = folder
    from questionnaire import versions

    read = versions.version_file_read
    left_when_read = []

    def reading(name):
        left_when_read.extend(path for path in quarantine_writes if path.exists())
        return read(name)

    monkeypatch.setattr(versions, "version_file_read", reading)
    definitions.cache_clear()
    try:
        sent = io.BytesIO(b"not used")
        sent.name = "other.yaml"
        response = client_admin.post(
            f"{VERSIONS}/new",
            {"source": "file", "file_name": "stage2-v2.yaml", "definition": sent},
        )
        assert response.status_code == 302
        assert len(quarantine_writes) == 1  # the administrator's file was received...
        assert left_when_read == []  # ...and deleted before the chosen file was read
        assert VersionCandidate.objects.get().source_name == "stage2-v2.yaml"
    finally:
        definitions.cache_clear()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"%PDF-1.7 not a questionnaire", "The selected file must be a YAML file"),
        (None, "Select a file"),
    ],
)
def test_an_upload_refused_before_the_checks_is_audited(client_admin, content, error):
    if content is None:
        response = client_admin.post(f"{VERSIONS}/new", {"source": "upload"})
    else:
        response = upload(client_admin, content, name="report.pdf")
    assert errors_on(response) == [error]
    refusal = AuditEntry.objects.get(action="questionnaire_version.refuse")
    assert refusal.after["reason"] == error
    assert refusal.subject == ("" if content is None else "report.pdf")
    assert nothing_kept()


def test_the_checks_lines_shown_are_words_not_blank_lines_or_a_parsers_pointer(client_admin):
    """PyYAML's error quotes the line and points under it with "^": shown as bullets, a blank
    bullet and a bullet holding only "^" told the administrator nothing."""
    response = upload(client_admin, "id: nir-stage2-governance-assurance\nversion: [\n")
    assert response.status_code == 400
    details = re.search(
        r'data-testid="check-details">(.*?)</div>', response.content.decode(), re.S
    ).group(1)
    shown = [
        visible_text(item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", details, re.S)
    ]
    assert shown and all(line and line.strip("^ ") for line in shown), shown
    assert any("not valid YAML" in line for line in shown), shown


def test_on_a_phone_each_published_version_is_a_card_of_labelled_values(client_admin):
    """At 320px the published versions' four columns were wider than the window and the note
    broke mid-word ("Versi on 3"): the design system's responsive table shows each version as
    a card, each value under its column's name."""
    publish(client_admin, version_2_text())
    page = client_admin.get(VERSIONS).content.decode()
    table = re.search(r'<table class="([^"]*)" data-testid="published-versions"', page)
    assert table and "nhsuk-table--responsive" in table.group(1).split()
    labels = re.findall(
        r'<span class="nhsuk-table__heading" aria-hidden="true">([^<]+) </span>', page
    )
    assert labels == ["Version", "Published", "Note", "Download"]
