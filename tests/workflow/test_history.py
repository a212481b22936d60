"""Answers keep every revision, and each submission is a fixed snapshot with its SHA-256."""

import hashlib
import json

import pytest

from applications.models import Application
from questionnaire.models import Answer, AnswerRevision
from tests.answer_sets import SUPPLIER
from workflow.models import Submission
from workflow.services import snapshot_digest


def test_every_change_of_an_answer_is_a_revision(applicant, member):
    applicant.answer_all(SUPPLIER[:2])
    applicant.answer("s_isms", {"answer": "no"})
    applicant.answer("s_isms", {"answer": "yes"})
    revisions = AnswerRevision.objects.filter(question_id="s_isms").order_by("revision")
    assert [(r.revision, r.change, r.value) for r in revisions] == [
        (1, "set", {"value": "yes"}),
        (2, "set", {"value": "no"}),
        (3, "set", {"value": "yes"}),
    ]
    first = revisions.first()
    assert first.display == ["Yes"]
    assert first.answered_by == member
    assert "ISMS" in first.wording or "Information Security" in first.wording
    assert first.definition_version == 1
    assert Answer.objects.get(question_id="s_isms").version == 3


def test_saving_the_same_value_again_makes_no_revision(applicant):
    applicant.answer_all(SUPPLIER[:2])
    applicant.answer("s_isms", {"answer": "yes"})
    assert AnswerRevision.objects.filter(question_id="s_isms").count() == 1


def test_a_discarded_answer_keeps_its_history_and_never_reuses_a_version(applicant):
    applicant.answer_all(SUPPLIER[:3])
    # Changing role discards the supplier's answers: each discard is a revision.
    response = applicant.answer("role", {"answer": "controller"}, query="")
    assert response.status_code == 200  # asks to confirm first
    applicant.client.post(
        applicant.question_url("role"),
        {"version": applicant.version_of("role"), "answer": "controller", "confirm_discard": "yes"},
    )
    isms = AnswerRevision.objects.filter(question_id="s_isms").order_by("revision")
    assert [(r.revision, r.change) for r in isms] == [(1, "set"), (2, "discarded")]
    assert isms.last().value is None
    assert not Answer.objects.filter(question_id="s_isms").exists()
    # Back to supplier: the answer comes back as revision 3, so a page holding version 1
    # (from before the discard) is stale.
    applicant.client.post(
        applicant.question_url("role"),
        {
            "version": applicant.version_of("role"),
            "answer": "supplier",
            "product_name": "PACS One",
            "product_version": "4.2.1",
            "confirm_discard": "yes",
        },
    )
    stale = applicant.answer("s_isms", {"answer": "no"}, version="0")
    assert stale.status_code == 302
    assert Answer.objects.get(question_id="s_isms").version == 3
    assert applicant.answer("s_isms", {"answer": "yes"}, version="1").status_code == 400


def test_revisions_are_append_only(applicant):
    applicant.answer_all(SUPPLIER[:2])
    revision = AnswerRevision.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        revision.save()
    with pytest.raises(ValueError, match="append-only"):
        revision.delete()


def test_a_submission_is_a_snapshot_with_a_sha256_that_proves_it(applicant, member):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    applicant.submit()  # a double submit stores one snapshot
    submission = Submission.objects.get()
    application = Application.objects.get()
    assert submission.number == 1
    assert submission.submitted_by == member
    snapshot = submission.snapshot
    assert snapshot["reference"] == application.reference
    assert [a["question_id"] for a in snapshot["answers"]] == [q for q, _ in SUPPLIER]
    isms = next(a for a in snapshot["answers"] if a["question_id"] == "s_isms")
    assert isms["display"] == ["Yes"] and isms["revision"] == 1
    assert isms["wording"] == Answer.objects.get(question_id="s_isms").wording
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert submission.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert snapshot_digest({**snapshot, "role": "controller"}) != submission.sha256
    with pytest.raises(ValueError, match="append-only"):
        submission.save()
