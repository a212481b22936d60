"""The signed assurance pack of an approved Stage 2 (ADR 0026): the zip, its PDF
summary, and what each audience may read of the audit log."""
