"""The sections of one application a reviewer moves between (overview, answers, evidence and
documents, people and attestations, holds, comments, timeline), and what each reads: only what
it shows, each collection once, so a page's queries do not grow with the application's history.

The overview names every blocker, each with a link to the section where it is put right, and
who it waits for: the organisation or NHS England."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from applications.states import Role, Stage2State
from attestations.models import HAZARD_LOG_RULES, Attestation, AttestationStatus
from attestations.selectors import (
    AttestationNeed,
    attestation_needs,
    attestations_for,
    attested_by_same_person,
    key_personnel_for,
)
from evidence.models import EvidenceFile, ScanStatus
from evidence.selectors import evidence_for_application
from hazards.models import LogSource
from hazards.selectors import hazard_log_of
from questionnaire import definitions
from questionnaire.engine.answers import format_date
from questionnaire.engine.attestations import attestations_required
from questionnaire.engine.rules import evaluate
from questionnaire.selectors import response_definition
from workflow.applicant.attestations import attestation_blockers
from workflow.applicant.hazard_log import log_refusal as hazard_log_refusal
from workflow.decisions.change_drafts import change_drafts_of
from workflow.decisions.review import approval_blockers_for
from workflow.models import DocumentRequest, DocumentRequestStatus, Hold, HoldOrigin, ReplyTo
from workflow.replies.selectors import ReplyThread, replies_on, replies_waiting, reply_threads
from workflow.selectors import (
    STAGE3_FOR_REVIEWER,
    STAGE3_NEEDS_AUP,
    STAGE3_PAUSED,
    aup_accepted,
    stage2_working_state,
    stage3_blockers,
    upload_statuses,
)

from .presenters import (
    PEOPLE_QUESTIONS,
    Submitted,
    answer_rows,
    change_requests_of,
    purpose_titles,
    resubmission_changes,
    submitted_of,
)
from .timeline import application_events, timeline_page

# (name of the URL, words in the sub-navigation): the overview first.
SECTIONS = [
    ("application", "Overview"),
    ("answers", "Answers"),
    ("evidence", "Evidence and documents"),
    ("people", "People and attestations"),
    ("holds", "Holds"),
    ("comments", "Comments"),
    ("timeline", "Timeline"),
]
ORGANISATION = "organisation"
NHS_ENGLAND = "nhs_england"
STAGE_TITLES = {
    3: "Home Community ID integration",
    4: "Technical conformance",
    5: "Legal agreement (connection agreement)",
}


def section_url(name: str, application: Application, anchor: str = "") -> str:
    url = reverse(f"review:{name}", kwargs={"application_id": application.pk})
    return f"{url}#{anchor}" if anchor else url


def section_navigation(application: Application, current: str) -> list[dict[str, Any]]:
    return [
        {"text": text, "href": section_url(name, application), "current": name == current}
        for name, text in SECTIONS
    ]


@dataclass(frozen=True)
class Blocker:
    """Something that stops a decision or a stage, where it is put right, and who acts next."""

    text: str
    href: str
    waiting_for: str  # ORGANISATION or NHS_ENGLAND


def latest_files(evidence: list[EvidenceFile]) -> list[EvidenceFile]:
    """The latest revision for each purpose: the one that counts."""
    latest: dict[str, EvidenceFile] = {}
    for file in evidence:
        if file.purpose not in latest or file.revision > latest[file.purpose].revision:
            latest[file.purpose] = file
    return list(latest.values())


def _approval_blockers(
    application: Application,
    submitted: Submitted,
    evaluation: Any,
    holds_open: list[Hold],
    needs: list[AttestationNeed],
) -> list[Blocker]:
    """``approval_blockers_for``'s reasons, each with the section where it is put right."""
    attestation_texts = set(attestation_blockers(needs))
    blockers = []
    for text in approval_blockers_for(
        application, submitted.journey, evaluation, len(holds_open), needs
    ):
        question = re.match(r"Question (\S+) ", text)
        if text in attestation_texts:
            blocker = Blocker(
                text, section_url("people", application, "attestations"), ORGANISATION
            )
        elif text.startswith("Onboarding is paused"):
            reviewer_only = all(h.origin == HoldOrigin.REVIEWER for h in holds_open)
            waiting = NHS_ENGLAND if reviewer_only else ORGANISATION
            blocker = Blocker(text, section_url("holds", application), waiting)
        elif text.startswith("Start the review"):
            blocker = Blocker(
                text, section_url("application", application, "decisions"), NHS_ENGLAND
            )
        elif question:
            anchor = f"answer-{question.group(1)}"
            blocker = Blocker(text, section_url("answers", application, anchor), ORGANISATION)
        else:
            blocker = Blocker(text, section_url("answers", application), ORGANISATION)
        blockers.append(blocker)
    return blockers


def _waiting(
    application: Application,
    holds_open: list[Hold],
    needs: list[AttestationNeed],
    documents: list[DocumentRequest],
    files: list[EvidenceFile],
    purposes: dict[str, str],
) -> list[Blocker]:
    """Each open hold, attestation, document request and file not passed its malware check."""
    waiting = []
    for hold in holds_open:
        who = NHS_ENGLAND if hold.origin == HoldOrigin.REVIEWER else ORGANISATION
        text = f"Hold ({hold.get_origin_display()}): {hold.reason}"
        waiting.append(Blocker(text, section_url("holds", application), who))
    for need in needs:
        if need.satisfied:
            continue
        latest = need.latest
        if latest is not None and latest.status == AttestationStatus.REQUESTED:
            text = f"Question {need.number}: waiting for {latest.full_name} to attest"
        else:
            text = f"Question {need.number}: attestation {need.status_text.lower()}"
        waiting.append(
            Blocker(text, section_url("people", application, "attestations"), ORGANISATION)
        )
    for document in documents:
        href = reverse("review:document_request", args=[application.pk, document.pk])
        if document.status == DocumentRequestStatus.OPEN:
            due = format_date(document.due_date)
            if document.is_overdue(definitions.today()):
                text = f"Document requested: {document.title} (Overdue: it was due {due})"
            else:
                text = f"Document requested: {document.title} (due {due})"
            waiting.append(Blocker(text, href, ORGANISATION))
        elif document.status == DocumentRequestStatus.ANSWERED:
            waiting.append(Blocker(f"Document to check: {document.title}", href, NHS_ENGLAND))
    for file in files:
        if file.scan_status == ScanStatus.CLEAN:
            continue
        purpose = purposes.get(file.purpose, "A file")
        text = f"{purpose}: {file.download_name} – {_scan_words(file.scan_status)}"
        who = NHS_ENGLAND if file.scan_status in _SERVICE_SCANS else ORGANISATION
        waiting.append(Blocker(text, section_url("evidence", application, "evidence"), who))
    return waiting


_SERVICE_SCANS = (ScanStatus.PENDING, ScanStatus.NOT_SCANNED)


def _scan_words(status: str) -> str:
    return {
        ScanStatus.PENDING: "waiting for the malware check",
        ScanStatus.NOT_SCANNED: "not checked for malware",
        ScanStatus.INFECTED: "contains a virus: ask for it again",
        ScanStatus.REFUSED: "could not be checked: ask for it again",
    }.get(ScanStatus(status), "not checked for malware")


def _needs_of(
    application: Application, submitted: Submitted, attestations: list[Attestation]
) -> list[AttestationNeed]:
    return attestation_needs(
        definition=submitted.journey.definition,
        required=attestations_required(submitted.journey),
        attestations=attestations,
        revisions=submitted.revisions,
        hazard_log_refusal=hazard_log_refusal(application),
    )


def overview_context(application: Application, reviewer: User) -> dict[str, Any]:
    """The overview: what approval rests on, every blocker and who it waits for, the stages
    after stage 2. A fixed number of reads whatever the history (tests/workflow/
    test_review_sections.py pins it)."""
    submitted = submitted_of(application)
    evaluation = evaluate(submitted.journey)
    holds = list(application.holds.select_related("raised_by"))
    holds_open = [h for h in holds if h.is_open]
    attestations = list(application.attestations.all())
    needs = _needs_of(application, submitted, attestations)
    documents = list(application.document_requests.all())
    evidence = list(evidence_for_application(application))
    files = latest_files(evidence)
    completions = {c.stage: c for c in application.stage_completions.select_related("completed_by")}
    purposes = purpose_titles(submitted.journey, documents)
    stage3 = stage3_blockers(application, evidence=evidence, for_reviewer=True)
    waiting = _waiting(application, holds_open, needs, documents, files, purposes)
    for text in stage3:
        if text == STAGE3_FOR_REVIEWER[STAGE3_NEEDS_AUP]:
            href, who = section_url("evidence", application, "evidence"), ORGANISATION
        elif text == STAGE3_FOR_REVIEWER[STAGE3_PAUSED]:
            href, who = section_url("holds", application), NHS_ENGLAND
        else:
            href, who = "#decisions", NHS_ENGLAND
        waiting.append(Blocker(f"Stage 3 cannot start: {text}", href, who))
    # The organisation's replies NHS England has not acted on since (ADR 0037).
    for target in replies_waiting(application, replies_on(application)):
        href = section_url(target.section, application, "replies")
        waiting.append(Blocker(f"Reply from the organisation: {target.about}", href, NHS_ENGLAND))
    state = application.stage2_state
    if state == Stage2State.SUBMITTED:
        waiting.insert(0, Blocker("Start the review", "#decisions", NHS_ENGLAND))
    elif stage2_working_state(application) == Stage2State.CHANGES_REQUESTED:
        text = "Changing the answers you asked about, then submitting again"
        waiting.insert(0, Blocker(text, section_url("answers", application), ORGANISATION))
    deciding = state not in (Stage2State.APPROVED, Stage2State.WITHDRAWN)
    return {
        "submitted": submitted,
        "latest_submission": submitted.latest,
        "approval_blockers": (
            _approval_blockers(application, submitted, evaluation, holds_open, needs)
            if deciding
            else []
        ),
        "waiting_organisation": [b for b in waiting if b.waiting_for == ORGANISATION],
        "waiting_nhs_england": [b for b in waiting if b.waiting_for == NHS_ENGLAND],
        "rests_on": {
            "answers": len(submitted.answers),
            "attested": sum(1 for n in needs if n.satisfied),
            "needs": len(needs),
            "files": len(files),
            "files_clean": sum(1 for f in files if f.scan_status == ScanStatus.CLEAN),
            "holds_open": len(holds_open),
            "holds_lifted": len(holds) - len(holds_open),
            "documents_accepted": sum(
                1 for d in documents if d.status == DocumentRequestStatus.ACCEPTED
            ),
            "documents": len(documents),
        },
        "stage3_blockers": stage3,
        "stages_completed": completions,
        "stage_titles": STAGE_TITLES,
        "drafts": change_drafts_of(application=application, reviewer=reviewer),
    }


def approval_summary(application: Application) -> dict[str, Any]:
    """What an approval rests on, for the approve page: the submission, the attestations given,
    the evidence with its malware check, the holds lifted; and what stops it."""
    submitted = submitted_of(application)
    evaluation = evaluate(submitted.journey)
    holds = list(application.holds.select_related("raised_by", "lifted_by"))
    holds_open = [h for h in holds if h.is_open]
    attestations = attestations_for(application)
    needs = _needs_of(application, submitted, attestations)
    documents = list(application.document_requests.all())
    evidence = list(evidence_for_application(application))
    files = latest_files(evidence)
    return {
        "latest_submission": submitted.latest,
        # Stage 3 opens on approval unless a controller's signed AUP is still to be accepted.
        "aup_waiting": application.role == Role.CONTROLLER
        and not aup_accepted(application, evidence),
        "answer_count": len(submitted.answers),
        "attestation_needs": needs,
        "files": files,
        "purposes": purpose_titles(submitted.journey, documents),
        "holds_lifted": [h for h in holds if not h.is_open],
        "blockers": _approval_blockers(application, submitted, evaluation, holds_open, needs),
    }


def answers_context(application: Application, reviewer: User) -> dict[str, Any]:
    submitted = submitted_of(application)
    requests = change_requests_of(application)
    # A file question (question 15) reads its one upload status (ADR 0030), as elsewhere.
    uploads = upload_statuses(application, submitted.journey)
    answered, changes = resubmission_changes(submitted.journey, requests, uploads)
    latest = submitted.latest
    return {
        "journey": submitted.journey,
        "evaluation": evaluate(submitted.journey),
        "answer_rows": answer_rows(submitted.journey, submitted.answers, uploads),
        "latest_submission": latest,
        # What the sender accepted, in the words shown and by whom (None before declarations).
        "declaration": latest.snapshot.get("declaration") if latest else None,
        "being_changed": stage2_working_state(application) == Stage2State.CHANGES_REQUESTED,
        "answered_request": answered,
        "changes": changes,
        # Each change shown in its answer's row: old and new, with the comment that asked for it.
        "changed": {change.question_id: change for change in changes},
        "drafts": change_drafts_of(application=application, reviewer=reviewer),
        "reply_threads": _threads(application, ReplyTo.CHANGE_REQUEST),
    }


def _threads(application: Application, to: ReplyTo) -> list[ReplyThread]:
    """The organisation's replies of one kind, each under what it answers (ADR 0037)."""
    return reply_threads(application, replies_on(application, [to]))


def evidence_context(application: Application) -> dict[str, Any]:
    submitted = submitted_of(application)
    documents = list(
        application.document_requests.select_related("requested_by", "answered_by", "closed_by")
    )
    evidence = list(evidence_for_application(application).select_related("uploaded_by"))
    return {
        "journey": submitted.journey,
        "latest_submission": submitted.latest,
        "evidence": evidence,
        # A file's revision is named only where its purpose has more than one.
        "files_for": Counter(file.purpose for file in evidence),
        "document_requests": documents,
        "purposes": purpose_titles(submitted.journey, documents),
        "today": definitions.today(),
        "reply_threads": _threads(application, ReplyTo.DOCUMENT_REQUEST),
    }


def hazard_log_attested(snapshot: dict[str, Any]) -> str:
    """The hazard log an attested statement spoke of, as it was then (ADR 0045)."""
    if snapshot.get("source") != LogSource.IN_SERVICE:
        return f"{LogSource.FILE.label}, not the hazard log kept in this service"
    approved = timezone.localtime(datetime.fromisoformat(snapshot["approved_at"])).date()
    count = snapshot["hazards"]
    return (
        f"The hazard log kept in this service, version {snapshot['version']} "
        f"({count} hazard{'' if count == 1 else 's'}), approved by {snapshot['approved_by']} on "
        f"{format_date(approved)}"
    )


def people_context(application: Application) -> dict[str, Any]:
    submitted = submitted_of(application)
    attestations = attestations_for(application)
    rows = answer_rows(submitted.journey, submitted.answers)
    return {
        "attestation_needs": _needs_of(application, submitted, attestations),
        "same_person": attested_by_same_person(application, attestations),
        "key_personnel": key_personnel_for(application),
        "people": [row for row in rows if row["id"] in PEOPLE_QUESTIONS],
        # Which hazard log the hazard log statements speak of (ADR 0045).
        "hazard_log": hazard_log_of(application),
        "hazard_log_rules": HAZARD_LOG_RULES,
        "hazard_log_approvals": [a for a in attestations if a.is_hazard_log_approval],
        "log_attested": {
            a.pk: hazard_log_attested(a.hazard_log)
            for a in attestations
            if a.rule_id in HAZARD_LOG_RULES and a.hazard_log
        },
    }


def holds_context(application: Application) -> dict[str, Any]:
    holds = list(application.holds.select_related("raised_by", "lifted_by"))
    return {
        "holds_open": [h for h in holds if h.is_open],
        "holds_lifted": [h for h in holds if not h.is_open],
        "reviewer_origin": HoldOrigin.REVIEWER,
        "reply_threads": _threads(application, ReplyTo.HOLD),
    }


def timeline_context(application: Application, query: Mapping[str, str]) -> dict[str, Any]:
    """The timeline's page of events, filtered by the query (review/timeline.py)."""
    events = application_events(
        application,
        response_definition(application.stage2_response),
        change_requests_of(application),
    )
    return {
        "timeline": timeline_page(events, query),
        "action": reverse("review:timeline", kwargs={"application_id": application.pk}),
    }
