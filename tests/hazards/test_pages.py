"""The hazard log: import all or nothing with row-by-row errors, export as CSV (which imports
again unchanged) and XLSX, the CSO's approval refused while a residual risk of 4 or more has no
justification, NHS England's view, and another organisation kept out."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from attestations.models import KeyPerson
from audit.models import AuditEntry
from evidence.refusals import VIRUS
from hazards.models import Hazard, HazardLog
from hazards.services import NOT_THE_CSO
from tests.evidence import files
from tests.web.conftest import errors_on, signed_in

HEADER = (
    "ID,Description,Causes,Effects,Initial likelihood,Initial severity,Controls,"
    "Residual likelihood,Residual severity,Justification,Owner,Status"
)
GOOD = [
    'H-001,Wrong patient\'s images shown,"Mismatched NHS number, manual entry",Misdiagnosis,'
    "High,Major,Validated NHS numbers only,Low,Major,,CSO,Mitigated",
    "H-002,Study not found,Index lag,Delayed care,Medium,Considerable,Retry and alert,"
    "Very Low,Considerable,,Service manager,Open",
]
HIGH_RESIDUAL = (
    "H-003,Outage,Network failure,No history,Very High,Catastrophic,Failover,"
    "High,Catastrophic,{justification},CSO,Open"
)


def csv_bytes(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def send(client, url, data: bytes, name="hazards.csv"):
    return client.post(url, {"hazard_log": SimpleUploadedFile(name, data, "text/csv")})


def test_a_valid_csv_is_imported_with_its_risks_shown_as_tags(client_member, log_url, member):
    response = send(client_member, log_url, csv_bytes(*GOOD))
    assert response.status_code == 302
    hazards = list(Hazard.objects.order_by("position"))
    assert [h.reference for h in hazards] == ["H-001", "H-002"]
    assert hazards[0].causes == "Mismatched NHS number, manual entry"
    assert (hazards[0].initial_risk, hazards[0].residual_risk) == (4, 3)
    assert (hazards[1].initial_risk, hazards[1].residual_risk) == (3, 2)
    entry = AuditEntry.objects.get(action="hazard_log.import")
    assert entry.actor == member and entry.after["references"] == ["H-001", "H-002"]
    page = client_member.get(log_url).content.decode()
    assert "2 hazards imported" in page
    assert re.search(r"nhsuk-tag--orange[^>]*>\s*4 Mandatory elimination or control", page)
    assert re.search(r"nhsuk-tag--aqua-green[^>]*>\s*2 Acceptable where risk is low", page)


def test_an_import_with_errors_saves_nothing_and_names_each_row(client_member, log_url):
    send(client_member, log_url, csv_bytes(*GOOD))
    before = list(Hazard.objects.values_list("reference", "description"))
    bad = csv_bytes(
        GOOD[0],
        "H-001,Duplicate,c,e,High,Major,x,Low,Major,,CSO,Open",
        "H-004,,c,e,Often,Major,x,Low,Bad,,CSO,Pending",
        GOOD[1],
    )
    response = send(client_member, log_url, bad)
    assert response.status_code == 400
    assert errors_on(response) == [
        "Row 3: ID H-001 is already used on row 2",
        "Row 4: Enter the description",
        "Row 4: Initial likelihood must be one of Very High, High, Medium, Low, Very Low",
        "Row 4: Residual severity must be one of Minor, Significant, Considerable, Major, "
        "Catastrophic",
        "Row 4: Status must be one of Open, Mitigated, Closed",
    ]
    assert "nothing was imported" in response.content.decode()
    assert list(Hazard.objects.values_list("reference", "description")) == before
    assert AuditEntry.objects.filter(action="hazard_log.import").count() == 1


def test_a_header_missing_a_column_is_one_error(client_member, log_url):
    response = send(client_member, log_url, b"ID,Description\r\nH-1,x\r\n")
    assert response.status_code == 400
    assert errors_on(response)[0].startswith("Row 1: The header row is missing: Causes, Effects")
    assert not Hazard.objects.exists()


def test_the_csv_export_imports_again_unchanged_and_the_xlsx_holds_the_same(
    client_member, log_url, application
):
    tricky = "H-009,=HYPERLINK(1),c,e,Low,Minor,-x,Low,Minor,,CSO,Closed"
    send(client_member, log_url, csv_bytes(*GOOD, tricky))
    exported = client_member.get(f"/applications/{application.pk}/hazard-log.csv")
    assert exported["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Initial risk", "Residual risk"]
    assert rows[3][1] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    before = list(Hazard.objects.order_by("position").values())
    assert send(client_member, log_url, exported.content).status_code == 302
    after = list(Hazard.objects.order_by("position").values())
    ignore = {"id"}
    assert [{k: v for k, v in r.items() if k not in ignore} for r in after] == [
        {k: v for k, v in r.items() if k not in ignore} for r in before
    ]
    workbook = load_workbook(
        io.BytesIO(client_member.get(f"/applications/{application.pk}/hazard-log.xlsx").content)
    )
    sheet = workbook["Hazard log"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0]
    assert values[1][0] == "H-001" and values[1][-1] == "3 Undesirable"


def test_each_export_download_is_audited_naming_who_and_which_file(
    client_member, log_url, application, member, reviewer
):
    send(client_member, log_url, csv_bytes(*GOOD))
    application.stage2_submitted_at = application.created_at
    application.save(update_fields=["stage2_submitted_at"])
    for client, ext in ((client_member, "csv"), (signed_in(reviewer), "xlsx")):
        assert client.get(f"/applications/{application.pk}/hazard-log.{ext}").status_code == 200
    entries = AuditEntry.objects.filter(action="hazard_log.download").order_by("sequence")
    name = f"hazard-log-{application.reference}"
    assert [(e.actor_id, e.subject, e.after) for e in entries] == [
        (member.pk, f"{name}.csv", {"name": f"{name}.csv", "hazards": 2}),
        (reviewer.pk, f"{name}.xlsx", {"name": f"{name}.xlsx", "hazards": 2}),
    ]
    assert {e.object_id for e in entries} == {str(application.pk)}


def test_approval_needs_the_cso_and_a_justification_for_residual_risk_4_or_more(
    client_member, log_url, application, member
):
    send(client_member, log_url, csv_bytes(*GOOD, HIGH_RESIDUAL.format(justification="")))
    approve = f"{log_url}/approve"

    def shown():
        return {"version": HazardLog.objects.get().version}

    page = " ".join(client_member.post(approve, shown(), follow=True).content.decode().split())
    assert NOT_THE_CSO in page
    assert "Hazard H-003 has a residual risk of 5" in page
    assert HazardLog.objects.get().approved_at is None

    KeyPerson.objects.create(
        application=application,
        role="cso",
        full_name="Dr Safe",
        job_title="CSO",
        email=member.email.upper(),
    )
    page = " ".join(client_member.post(approve, shown(), follow=True).content.decode().split())
    assert NOT_THE_CSO not in page and "Hazard H-003 has a residual risk of 5" in page
    assert HazardLog.objects.get().approved_at is None

    send(
        client_member,
        log_url,
        csv_bytes(*GOOD, HIGH_RESIDUAL.format(justification="Accepted: no alternative")),
    )
    # The page shows the version it would approve; a version changed since is refused.
    form = client_member.get(log_url).content.decode()
    version = HazardLog.objects.get().version
    assert f'<input type="hidden" name="version" value="{version}">' in form
    stale = client_member.post(approve, {"version": version - 1}, follow=True)
    assert (
        "The hazard log changed since you loaded this page: it has not been approved. Check the "
        "hazards and approve the log again" in " ".join(stale.content.decode().split())
    )
    assert HazardLog.objects.get().approved_at is None
    response = client_member.post(approve, {"version": version})
    assert response.status_code == 302
    log = HazardLog.objects.get()
    assert log.approved_at is not None and log.approved_by == member
    assert log.approved_version == version
    client_member.post(approve, {"version": version})  # a double submit
    assert AuditEntry.objects.filter(action="hazard_log.approve").count() == 1
    assert "The hazard log has been approved" in client_member.get(log_url).content.decode()

    # a new import clears the approval
    send(client_member, log_url, csv_bytes(*GOOD))
    assert HazardLog.objects.get().approved_at is None


def test_a_file_with_malware_is_refused_and_nothing_imported(client_member, log_url, scanner):
    response = send(client_member, log_url, csv_bytes(*GOOD) + files.EICAR + b"\r\n")
    assert response.status_code == 400
    assert errors_on(response) == [VIRUS]
    assert not Hazard.objects.exists()


def test_a_binary_file_is_refused(client_member, log_url):
    response = send(client_member, log_url, "ID\n".encode("utf-16"))
    assert errors_on(response) == ["The selected file must be a CSV"]


@pytest.fixture
def submitted(application):
    from django.utils import timezone

    application.stage2_submitted_at = timezone.now()
    application.save(update_fields=["stage2_submitted_at"])
    return application


def test_the_reviewer_sees_the_log_and_another_organisation_does_not(
    client_member, log_url, submitted, reviewer, outsider
):
    send(client_member, log_url, csv_bytes(*GOOD))
    page = signed_in(reviewer).get(f"/review/applications/{submitted.pk}/hazard-log")
    assert page.status_code == 200
    assert "Wrong patient" in page.content.decode()
    assert "Not approved by the Clinical Safety Officer yet" in page.content.decode()
    stranger = signed_in(outsider)
    assert stranger.get(log_url).status_code == 404
    assert stranger.get(f"/applications/{submitted.pk}/hazard-log.csv").status_code == 404
    assert send(stranger, log_url, csv_bytes(*GOOD)).status_code == 404


def test_on_a_phone_each_hazard_is_a_card_of_labelled_values(client_member, log_url):
    """At 320px the six-column table was twice the window's width: the page scrolled sideways.
    The design system's responsive table shows each hazard as a card, each value beside its
    column's name."""
    assert send(client_member, log_url, csv_bytes(*GOOD)).status_code == 302
    page = client_member.get(log_url).content.decode()
    table = re.search(r'<table class="([^"]*)"[^>]*>\s*<caption[^>]*>\s*Your hazards', page)
    assert table and "nhsuk-table--responsive" in table.group(1).split()
    labels = re.findall(
        r'<span class="nhsuk-table__heading" aria-hidden="true">([^<]+) </span>', page
    )
    columns = ["ID", "Hazard", "Initial risk", "Controls", "Residual risk", "Owner and status"]
    assert labels == columns * 2
    # The design system lays a phone's cell out as a row: a value of several paragraphs is one
    # element after its label, or each paragraph would be a column of its own.
    for column in ("Hazard", "Initial risk", "Residual risk"):
        after = re.findall(rf'aria-hidden="true">{column} </span>\s*<(\w+)', page)
        assert after == ["div", "div"], (column, after)
