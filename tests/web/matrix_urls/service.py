"""The service's own URLs in the authorisation matrix: its health and metrics, everyone's home
and the pages every NHS service has.
__init__.py joins them, with the other areas', into the matrix's one table."""

from tests.web.matrix_urls.roles import ADMINISTRATOR, EVERYONE

# Health and metrics, open to all.
HEALTH = {
    "healthz": ("/healthz", ["GET"], EVERYONE, True),
    "readyz": ("/readyz", ["GET"], EVERYONE, True),
    # Prometheus' scrape (ADR 0040): a bearer token, METRICS_TOKEN, when set (always in
    # production, where it is 404 without one); the tests set none, so it is open here. Counts
    # only: tests/operations/test_metrics.py checks the token and that no record's text is shown.
    "metrics": ("/metrics", ["GET"], EVERYONE, True),
}

HOME = {
    # Everyone's home; to someone not signed in, the service's start page (issue 26).
    "applications:list": ("/", ["GET"], EVERYONE, True),
}

SERVICE_PAGES = {
    # The pages every NHS service has (issue 26); the feedback people send is administrators'.
    "service_pages:accessibility": ("/accessibility-statement", ["GET"], EVERYONE, True),
    "service_pages:privacy": ("/privacy-notice", ["GET"], EVERYONE, True),
    "service_pages:cookies": ("/cookies", ["GET"], EVERYONE, True),
    "service_pages:help": ("/help", ["GET"], EVERYONE, True),
    "service_pages:feedback": ("/feedback", ["GET", "POST"], EVERYONE, True),
    "service_pages:feedback_sent": ("/feedback/sent", ["GET"], EVERYONE, True),
    "service_pages:feedback_list": ("/administration/feedback", ["GET"], ADMINISTRATOR, False),
}
