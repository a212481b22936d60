"""Downloading the audit log as a CSV is audited, as every other download is: who, the file and
its filters, never its rows; the file is the log as it was when asked for."""

import csv
import io

from audit.models import AuditEntry
from tests.web.conftest import signed_in


def test_the_download_is_audited_and_not_in_its_own_file(administrator):
    client = signed_in(administrator)
    response = client.get("/administration/audit-log.csv", {"action": "user.sign_in"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    entry = AuditEntry.objects.get(action="audit_log.download")
    assert entry.actor == administrator
    assert entry.after["name"] == response["Content-Disposition"].split('"')[1]
    assert entry.after["action"] == "user.sign_in"
    numbers = {row[0] for row in csv.reader(io.StringIO(body))}
    assert str(entry.sequence) not in numbers
    everything = b"".join(client.get("/administration/audit-log.csv").streaming_content)
    assert str(entry.sequence) in {
        row[0] for row in csv.reader(io.StringIO(everything.decode("utf-8-sig")))
    }
