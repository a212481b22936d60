"""GOV.UK Notify answering 500 and timing out (issue 27, ADR 0047), through a stand-in for
Notify's API: the submission it is about stands, the email is tried again and then failed, and
the metrics show it failed."""

from __future__ import annotations

import re
import uuid

from tests.faults.harness import (
    Browser,
    answered_application,
    declaration_shown,
    signed_in_session,
)

TOKEN = "faults-metrics-token-" + "x" * 32


def test_notify_failing_never_undoes_the_submission_and_the_email_is_failed_in_the_metrics(
    service, member, notify_stand_in
):
    """Acknowledged: the submission's confirmation. The database holds the submission once,
    with its audit entry, and one email to the reviewer: tried three times (500, a timeout,
    500), then failed, with notification.fail audited."""
    from accounts.models import UserKind
    from accounts.services import user_create
    from applications.states import Stage2State
    from audit.models import AuditEntry
    from notifications.models import Notification, NotificationStatus
    from tests.conftest import PASSWORD
    from workflow.models import Submission

    user_create(
        email="reviewer@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    applicant, application = answered_application(member)
    server = service(
        NOTIFICATIONS_BACKEND="notify",
        NOTIFY_BASE_URL=notify_stand_in.url,
        NOTIFY_API_KEY=f"faults-{uuid.uuid4()}-{uuid.uuid4()}",
        NOTIFY_TEMPLATE_STAGE2_SUBMITTED=str(uuid.uuid4()),
        NOTIFICATIONS_MAX_ATTEMPTS="3",
        NOTIFICATIONS_RETRY_SECONDS="0",
        METRICS_TOKEN=TOKEN,
    )
    person = Browser(server, signed_in_session(member))
    check_answers = f"{applicant.stage2}/check-answers"
    sent = person.post(
        check_answers, {"declaration": declaration_shown(person.get(check_answers).text)}
    )
    assert sent.status_code == 302, sent.status_code
    assert "submitted" in person.get(sent.headers["Location"]).text.lower()

    [email] = Notification.objects.all()
    assert (email.recipient, email.status, email.attempts) == (
        "reviewer@england.example",
        NotificationStatus.QUEUED,
        1,
    )
    # Cron's sweep, twice: Notify times out, then answers 500 again.
    notify_stand_in.mode = "hang"
    server.manage("notifications_send_pending", "--grace-seconds", "0")
    notify_stand_in.mode = "500"
    server.manage("notifications_send_pending", "--grace-seconds", "0")
    assert notify_stand_in.requests == ["500", "hang", "500"]

    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.FAILED, 3)
    assert AuditEntry.objects.filter(action="notification.fail").count() == 1
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.SUBMITTED
    assert Submission.objects.filter(application=application).count() == 1
    assert AuditEntry.objects.filter(action="response.submit").count() == 1

    metrics = person.http.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    ).text
    assert re.search(r'^nir_emails\{status="failed"\} 1\.0$', metrics, re.MULTILINE), metrics
    assert re.search(r'^nir_emails\{status="waiting"\} 0\.0$', metrics, re.MULTILINE)
    assert person.http.get(f"{server.url}/metrics", timeout=30).status_code == 401
