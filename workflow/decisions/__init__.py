"""NHS England's side of Stage 2: review decisions, comments, document requests, and how
long a submission has waited in working days."""
