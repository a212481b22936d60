"""The reviewer's pages run a fixed number of SQL queries, whatever the number of applications
or the length of an application's history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

# The application page reads its attestations and key personnel as well (ADR 0012), and the
# DSPT answers' revisions, for the DSPT today and its updates since submission (ADR 0014), and
# the reviewers' comments with their authors (ADR 0018): 14.
MAX_QUERIES = 14


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def more_applications(organisation, member, count):
    from django.utils import timezone

    Application.objects.bulk_create(
        [
            Application(
                organisation=organisation,
                scope="both",
                role="controller",
                created_by=member,
                stage2_state="submitted",
                stage2_submitted_at=timezone.now(),
            )
            for _ in range(count)
        ]
    )


@pytest.mark.parametrize("url", ["/review", "/review?state=submitted&q=north&flagged=yes&page=2"])
def test_the_queue_does_not_grow_with_the_number_of_applications(
    applicant, organisation, member, reviewer, url
):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    client = signed_in(reviewer)
    client.get(url)  # the first request of a session moves its idle expiry on (a write)
    few = queries(client, url)
    more_applications(organisation, member, 60)
    assert queries(client, url) == few
    assert few <= MAX_QUERIES


def test_the_application_page_does_not_grow_with_its_history(applicant, reviewer):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    client = signed_in(reviewer)
    url = f"/review/applications/{application.pk}"
    desk = Reviewer(client, application)
    desk.post("/start")
    first = queries(client, url)

    for round_ in range(3):
        desk.post("/request-changes", {"comment-s_cso": f"Round {round_}", "comment-s_isms": "?"})
        applicant.answer("s_cso", {"answer": f"Dr Ada Lovelace, round {round_}"})
        applicant.submit()
        desk.post("/start")
        desk.post("/holds/new", {"reason": f"Hold {round_}"})
        hold = application.holds.filter(lifted_at__isnull=True).get()
        desk.post(f"/holds/{hold.pk}/lift", {"reason": "Done"})
        desk.post(
            "/documents/new",
            {"title": f"Doc {round_}", "due-day": "1", "due-month": "1", "due-year": "2027"},
        )
        desk.post("/comments", {"text": f"Note {round_}", "visibility": "internal"})
        desk.post("/comments", {"text": f"Ask {round_}", "visibility": "applicant"})
    assert application.change_requests.count() == 3
    assert application.holds.count() == 3
    assert application.document_requests.count() == 3
    assert application.submissions.count() == 4
    assert application.review_comments.count() == 6
    later = queries(client, url)
    assert later == first
    assert later <= MAX_QUERIES
