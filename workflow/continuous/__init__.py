"""Continuous assurance after submission: the DSPT (the daily re-check, the published
register, the applicant's updates), the certificate register, and warnings sent once."""
