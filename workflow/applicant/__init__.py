"""What the applicant prepares before sending Stage 2: key personnel and attestations, answers
reused from an earlier application, and the declaration."""
