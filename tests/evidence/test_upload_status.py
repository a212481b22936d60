"""Question 15 has one status (evidence/status.py, ADR 0030), read the same on the five places
that show it: the applicant's task list and check answers, the reviewer's answers and request
changes, and the assurance pack. Stage 3 waits on that same status: a file that contains a
virus, could not be scanned, is still waiting, or was never scanned where that does not count
(production) never reads "Uploaded" and never lets stage 3 be marked complete."""

import base64
import io
import json
import uuid
import zipfile
from datetime import timedelta

import pypdfium2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Application
from evidence.checks import check_evidence_unscanned_counts
from evidence.models import EvidenceFile, ScanStatus
from evidence.rescan import evidence_scan_retry
from evidence.status import UploadState, upload_status
from tests.answer_sets import CONTROLLER
from tests.attestations.support import attest_all
from tests.config.support import python
from tests.evidence.files import MARKER, PDF
from tests.visible import parse, rendered, row, texts, words
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer
from workflow.models import ChangeRequestItem

TITLE = "15. Acceptable Usage Policy"
UPLOADED = "Uploaded"
WAITING = "Uploaded – waiting for the malware check"
NOT_ACCEPTED = "Not accepted"
NOT_UPLOADED = "Not uploaded"
# Longest first: "Uploaded – waiting…" must not be read as "Uploaded".
WORDS = (WAITING, NOT_UPLOADED, NOT_ACCEPTED, UPLOADED)


@pytest.fixture(autouse=True)
def signing_key_set(settings):
    key = Ed25519PrivateKey.generate()
    settings.ASSURANCE_SIGNING_KEY = base64.b64encode(key.private_bytes_raw()).decode()


def statuses_in(text: str) -> set[str]:
    """Which of the four statuses the text shows, each as a line of its own or a line that
    starts with it and goes on with its message ("Not accepted. The file contains a virus…")."""
    found = set()
    for line in (line.strip() for line in text.splitlines()):
        for word in WORDS:
            if line == word or line.startswith(f"{word}. "):
                found.add(word)
                break
    return found


class Places:
    """The five places, each read as a person sees it."""

    def __init__(self, applicant, desk, application):
        self.applicant = applicant
        self.desk = desk
        self.application = application

    def task_list(self) -> str:
        page = self.applicant.client.get(self.applicant.stage2)
        items = [
            element
            for element in parse(page).iter()
            if "nhsuk-task-list__item" in element.classes and rendered(element).startswith(TITLE)
        ]
        assert len(items) == 1, [rendered(item) for item in items]
        (status,) = [e for e in items[0].iter() if "nhsuk-task-list__status" in e.classes]
        return rendered(status)

    def check_answers(self) -> str:
        return row(self.applicant.client.get(f"{self.applicant.stage2}/check-answers"), TITLE)

    def reviewers_answers(self) -> str:
        return row(self.desk.page("answers"), TITLE)

    def request_changes(self) -> str:
        """The label of question 15's comment box: there is one, so the reviewer can name it."""
        page = self.desk.client.get(f"{self.desk.url}/request-changes")
        assert page.status_code == 200
        labels = [
            rendered(e)
            for e in parse(page).iter()
            if e.tag == "label" and e.attrs.get("for") == "comment-c_aup"
        ]
        assert len(labels) == 1, "request changes has no box for question 15"
        assert labels[0].startswith("Question 15: Acceptable Usage Policy")
        return labels[0].replace("; ", "\n")

    def pack(self) -> tuple[dict, str]:
        """Question 15 in the pack's application.json, and the pack's PDF summary as text."""
        url = f"{self.applicant.application_url}/assurance-pack.zip"
        response = self.applicant.client.get(url)
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        data = json.loads(archive.read("application.json"))
        (upload,) = [u for u in data["uploads"] if u["question_id"] == "c_aup"]
        pdf = pypdfium2.PdfDocument(archive.read("summary.pdf"))
        text = "\n".join(page.get_textpage().get_text_bounded() for page in pdf)
        return upload, text

    def before_approval(self) -> dict[str, set[str]]:
        return {
            "task list": statuses_in(self.task_list()),
            "check answers": statuses_in(self.check_answers()),
            "reviewer's answers": statuses_in(self.reviewers_answers()),
            "request changes": statuses_in(self.request_changes()),
        }

    def the_pack(self) -> set[str]:
        upload, text = self.pack()
        words = {upload["status"]}
        # In the PDF, the status follows the file's name and revision. (Helvetica, where no
        # other font is installed, draws the en dash as a hyphen.)
        after = " ".join(text.split()).split(TITLE, 1)[1].split("(revision ", 1)[1]
        shown = after.split(") ", 1)[1].replace(" - ", " – ")
        words |= {next(word for word in WORDS if shown.startswith(word))}
        return words


def upload(client, url, data, name="aup.pdf"):
    return client.post(url, {"evidence": SimpleUploadedFile(name, data)})


@pytest.fixture
def in_review(applicant, reviewer):
    """A Data Controller's application answered in full, question 15 left for each test."""
    applicant.answer_all(CONTROLLER)

    def submit_and_start():
        assert applicant.submit().status_code == 302
        application = Application.objects.get()
        desk = Reviewer(signed_in(reviewer), application)
        assert desk.post("/start").status_code == 302
        attest_all(application)
        return Places(applicant, desk, application)

    return submit_and_start


def test_uploaded_waits_for_the_scan_then_reads_uploaded_on_all_five_places(
    applicant, in_review, evidence_settings, clamd_address, tmp_path
):
    # The scanner cannot be reached when the file is sent: it waits, and says so everywhere.
    evidence_settings.CLAMD_ADDRESS = f"unix://{tmp_path}/no-clamd-here.sock"
    evidence_settings.CLAMD_TIMEOUT = 2
    sent = upload(applicant.client, applicant.question_url("c_aup"), PDF)
    assert "could not be uploaded – try again" in sent.content.decode()
    places = in_review()
    assert places.before_approval() == dict.fromkeys(
        ["task list", "check answers", "reviewer's answers", "request changes"], {WAITING}
    )
    assert "aup.pdf" in places.check_answers() and "aup.pdf" in places.reviewers_answers()
    assert "Not answered" not in places.reviewers_answers()

    # The scanner is back, and the retry finds the file clean.
    evidence_settings.CLAMD_ADDRESS = clamd_address
    file = EvidenceFile.objects.get()
    assert evidence_scan_retry(evidence_id=file.pk, now=timezone.now() + timedelta(hours=1))
    file.refresh_from_db()
    assert file.scan_status == ScanStatus.CLEAN

    assert places.before_approval() == dict.fromkeys(
        ["task list", "check answers", "reviewer's answers", "request changes"], {UPLOADED}
    )
    assert places.reviewers_answers() == "aup.pdf\nUploaded"
    # The answer's own page has the question's wording and who sent the file.
    own = words(places.desk.client.get(f"{places.desk.url}/answers/c_aup/request-change"))
    assert "Upload your signed Acceptable Usage Policy" in own
    assert "aup.pdf Uploaded" in own and "Revision 1, by " in own
    assert places.desk.post("/approve").status_code == 302
    assert places.the_pack() == {UPLOADED}
    upload_in_pack, _ = places.pack()
    assert upload_in_pack["file"]["sha256"] == file.sha256
    completed = places.desk.post("/stages/3/complete", {"note": "HCID issued"})
    assert completed.status_code == 302


def _infected(applicant, evidence_settings, clamd_address, tmp_path):
    evidence_settings.CLAMD_ADDRESS = clamd_address
    sent = upload(applicant.client, applicant.question_url("c_aup"), PDF + MARKER)
    assert "The selected file contains a virus" in sent.content.decode()
    return "The file contains a virus and has been deleted"


def _refused(applicant, evidence_settings, clamd_address, tmp_path):
    evidence_settings.CLAMD_ADDRESS = f"unix://{tmp_path}/no-clamd-here.sock"
    evidence_settings.CLAMD_TIMEOUT = 2
    evidence_settings.EVIDENCE_SCAN_MAX_ATTEMPTS = 2
    upload(applicant.client, applicant.question_url("c_aup"), PDF)
    file = EvidenceFile.objects.get()
    evidence_scan_retry(evidence_id=file.pk, now=timezone.now() + timedelta(hours=1))
    file.refresh_from_db()
    assert file.scan_status == ScanStatus.REFUSED
    return "The file could not be checked for malware and has been deleted"


def _never_scanned_in_production(applicant, evidence_settings, clamd_address, tmp_path):
    evidence_settings.CLAMD_ADDRESS = ""
    evidence_settings.EVIDENCE_UNSCANNED_COUNTS = False
    assert upload(applicant.client, applicant.question_url("c_aup"), PDF).status_code == 302
    return "The file was not checked for malware"


def _still_waiting(applicant, evidence_settings, clamd_address, tmp_path):
    evidence_settings.CLAMD_ADDRESS = f"unix://{tmp_path}/no-clamd-here.sock"
    evidence_settings.CLAMD_TIMEOUT = 2
    upload(applicant.client, applicant.question_url("c_aup"), PDF)
    return ""


@pytest.mark.parametrize(
    ("send", "word"),
    [
        (_infected, NOT_ACCEPTED),
        (_refused, NOT_ACCEPTED),
        (_never_scanned_in_production, NOT_ACCEPTED),
        (_still_waiting, WAITING),
    ],
    ids=["infected", "refused", "never scanned, production", "waiting"],
)
def test_a_file_that_has_not_passed_never_reads_uploaded_and_stage_3_waits(
    applicant, in_review, evidence_settings, clamd_address, tmp_path, send, word
):
    message = send(applicant, evidence_settings, clamd_address, tmp_path)
    places = in_review()
    shown = places.before_approval()
    assert shown == dict.fromkeys(shown, {word}), shown
    assert message in places.check_answers() and message in places.reviewers_answers()

    assert places.desk.post("/approve").status_code == 302
    assert places.the_pack() == {word}
    upload_in_pack, pdf = places.pack()
    assert upload_in_pack["message"].startswith(message)
    assert message.split(" and ")[0] in " ".join(pdf.split())

    refused = places.desk.post("/stages/3/complete", {"note": "HCID issued"})
    assert refused.status_code == 400
    assert "Acceptable Usage Policy (question 15) has not" in " ".join(
        rendered(parse(refused)).split()
    )
    assert not places.application.stage_completions.exists()
    assert "has not been uploaded and accepted" in " ".join(
        rendered(parse(applicant.client.get(applicant.application_url))).split()
    )


def test_request_changes_names_question_15_and_the_applicant_sends_another_file(
    applicant, in_review
):
    assert upload(applicant.client, applicant.question_url("c_aup"), PDF).status_code == 302
    places = in_review()
    comment = "This copy is not signed. Upload the signed one"
    sent = places.desk.post("/request-changes", {"comment-c_aup": comment})
    assert sent.status_code == 302
    item = ChangeRequestItem.objects.get()
    assert (item.question_id, item.revision, item.evidence) == (
        "c_aup",
        None,
        EvidenceFile.objects.get(),
    )

    # The applicant reads why on the task list and on the question's page, and sends another.
    assert places.task_list() == UPLOADED
    words = " ".join(rendered(parse(applicant.client.get(applicant.stage2))).split())
    assert f"NHS England: {comment}" in words
    page = applicant.client.get(applicant.question_url("c_aup"))
    assert comment in rendered(parse(page))
    assert upload(applicant.client, applicant.question_url("c_aup"), PDF, "signed.pdf").status_code
    assert applicant.submit().status_code == 302

    # The reviewer sees, in question 15's row, the one there now with its status, and the file
    # commented on.
    page = places.desk.page("answers")
    (now,) = texts(page, "app-change-now")
    assert now.startswith("signed.pdf\nUploaded")
    assert texts(page, "app-change-before") == ["aup.pdf"]


def _file(revision, status):
    return EvidenceFile(
        id=uuid.uuid4(), revision=revision, scan_status=status, download_name=f"v{revision}.pdf"
    )


@pytest.mark.parametrize(
    ("files", "state", "which", "newer"),
    [
        ([], UploadState.NOT_UPLOADED, None, None),
        ([(1, ScanStatus.PENDING)], UploadState.WAITING, 1, None),
        ([(1, ScanStatus.CLEAN)], UploadState.UPLOADED, 1, None),
        ([(1, ScanStatus.INFECTED)], UploadState.NOT_ACCEPTED, 1, None),
        ([(1, ScanStatus.REFUSED)], UploadState.NOT_ACCEPTED, 1, None),
        # A newer file still waiting, or refused, does not undo the one that passed.
        ([(1, ScanStatus.CLEAN), (2, ScanStatus.PENDING)], UploadState.UPLOADED, 1, 2),
        ([(2, ScanStatus.INFECTED), (1, ScanStatus.CLEAN)], UploadState.UPLOADED, 1, 2),
        ([(1, ScanStatus.CLEAN), (2, ScanStatus.CLEAN)], UploadState.UPLOADED, 2, None),
        # One refused, then one waiting: it waits.
        ([(1, ScanStatus.INFECTED), (2, ScanStatus.PENDING)], UploadState.WAITING, 2, None),
    ],
)
def test_the_status_from_the_files_sent(files, state, which, newer):
    status = upload_status(_file(revision, scan) for revision, scan in files)
    assert status.state is state
    assert (status.file.revision if status.file else None) == which
    assert (status.newer.revision if status.newer else None) == newer
    assert status.accepted is (state is UploadState.UPLOADED)


def test_a_file_never_scanned_counts_only_where_the_setting_says(settings):
    never_scanned = [_file(1, ScanStatus.NOT_SCANNED)]
    settings.EVIDENCE_UNSCANNED_COUNTS = True
    counted = upload_status(never_scanned)
    assert (counted.text, counted.message) == (
        UPLOADED,
        "Not checked for malware: malware scanning is not configured",
    )
    settings.EVIDENCE_UNSCANNED_COUNTS = False
    refused = upload_status(never_scanned)
    assert refused.text == NOT_ACCEPTED and not refused.accepted
    assert refused.summary.startswith("Not accepted. The file was not checked for malware")


def test_production_refuses_to_start_with_unscanned_files_counting(settings):
    settings.IS_PRODUCTION = True
    settings.EVIDENCE_UNSCANNED_COUNTS = True
    assert "must be off in production" in check_evidence_unscanned_counts()
    settings.EVIDENCE_UNSCANNED_COUNTS = False
    assert check_evidence_unscanned_counts() is None


@pytest.mark.parametrize(
    ("environment", "counts"), [("development", "True"), ("test", "True"), ("production", "False")]
)
def test_unscanned_files_count_by_default_in_development_and_test_only(environment, counts):
    shown = python(
        "import config.settings as s; print(s.EVIDENCE_UNSCANNED_COUNTS)",
        DJANGO_ENV=environment,
        DJANGO_SECRET_KEY="a-secret-for-this-test-only-0123456789abcdef",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == counts
