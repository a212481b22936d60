"""The organisation's replies to NHS England: on a hold, a comment for the applicant, a change
request and a document request (issue 25, ADR 0037)."""
