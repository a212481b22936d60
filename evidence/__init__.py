"""Evidence: files sent for a question or a document request, checked, scanned and kept.

A domain app below the workflow: it knows applications only by their row (a string foreign key)
and never imports the workflow, the questionnaire or the pages. The API for pages:

- `evidence.upload`: `@evidence_upload_view` on the view that takes a file, then
  `receive_file(request, field_name, *, required=True) -> Received | None` (streamed into
  quarantine: path, size, sha256, original_name). Raises `EvidenceRefused`.
- `evidence.services.evidence_store(*, application, purpose, received, actor) -> EvidenceFile`:
  checks the content, scans, stores and audits. Raises `EvidenceRefused`.
- `evidence.refusals.EvidenceRefused`: `.message` is the exact words for the page.
- `evidence.selectors`: `evidence_get_for_user(user, evidence_id)` (Http404 unless allowed),
  `evidence_latest(application, purpose, *, accepted_only=True)`,
  `evidence_history(application, purpose)`, `evidence_for_application(application)`.
- `evidence.scanning.scanner_configured() -> bool`, and NOT_CONFIGURED_MESSAGE for the banner;
  `scan_passed(status) -> bool`: whether a file has passed its malware check (never scanned
  passes only where EVIDENCE_UNSCANNED_COUNTS is on: development and test, ADR 0030).
- URL `evidence:download` (`/evidence/<uuid>/download`) for the download link.

The pipeline, the settings and the decisions: README "Evidence" and docs/adr/0008.
"""
