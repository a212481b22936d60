"""One hazard at a time (issue 11): add one through the form, change it (the form pre-filled, a
change made since the form was loaded refused), remove it after a confirmation; each audited and
each clearing the CSO's approval. The form's checks are the CSV import's, in NHS.UK wording, and
another organisation's hazard is a 404 whichever application's address it is asked under."""

import re

import pytest

from accounts.models import Membership
from applications.models import Application
from attestations.models import KeyPerson
from audit.models import AuditEntry
from hazards.hazard_views import STALE_HAZARD
from hazards.models import Hazard, HazardLog
from hazards.services import REFERENCE_TAKEN, hazard_add, hazard_change
from tests.hazards.test_pages import GOOD, csv_bytes, send
from tests.visible import words
from tests.web.conftest import errors_on, signed_in

HAZARD = {
    "reference": "H-010",
    "description": "Images of the wrong side shown",
    "causes": "Laterality missing from the study",
    "effects": "Wrong-site procedure",
    "initial_likelihood": "Medium",
    "initial_severity": "Catastrophic",
    "controls": "Laterality required before a study is sent",
    "residual_likelihood": "Low",
    "residual_severity": "Major",
    "justification": "",
    "owner": "Clinical Safety Officer",
    "status": "Open",
}


def text_of(response) -> str:
    """The page's visible text, every run of white space one space (tests/visible.py)."""
    return words(response)


@pytest.fixture
def add_url(log_url):
    return f"{log_url}/add"


@pytest.fixture
def cso(application, member):
    """The member is the application's Clinical Safety Officer, who can approve the log."""
    return KeyPerson.objects.create(
        application=application,
        role="cso",
        full_name="Dr Safe",
        job_title="CSO",
        email=member.email,
    )


def approved(client, log_url) -> HazardLog:
    version = HazardLog.objects.get().version
    assert client.post(f"{log_url}/approve", {"version": version}).status_code == 302
    log = HazardLog.objects.get()
    assert log.approved_at is not None
    return log


def test_a_hazard_added_on_the_form_is_in_the_log_with_its_risk_and_audited(
    client_member, log_url, add_url, member, application
):
    page = client_member.get(log_url).content.decode()
    assert f'href="{add_url}"' in page and "Add a hazard" in page
    form = client_member.get(add_url)
    assert form.status_code == 200
    assert "Needed when the residual risk is 4 or 5" in form.content.decode()

    response = client_member.post(add_url, HAZARD)
    assert response.status_code == 302 and response["Location"] == log_url
    hazard = Hazard.objects.get()
    assert hazard.log.application == application
    assert (hazard.reference, hazard.position, hazard.version) == ("H-010", 1, 1)
    assert (hazard.initial_risk, hazard.residual_risk) == (4, 3)
    entry = AuditEntry.objects.get(action="hazard.add")
    assert entry.actor == member and entry.object_id == str(hazard.pk)
    assert entry.subject == application.reference
    assert entry.after["description"] == HAZARD["description"] and not entry.after["approved"]

    response = client_member.get(log_url)
    assert "Hazard H-010 added" in text_of(response)
    source = " ".join(response.content.decode().split())  # the tags' colours are in the source
    assert re.search(r"nhsuk-tag--orange[^>]*> 4 Mandatory elimination or control", source)
    assert re.search(r"nhsuk-tag--yellow[^>]*> 3 Undesirable", source)

    client_member.post(add_url, {**HAZARD, "reference": "H-011"})
    assert list(Hazard.objects.values_list("reference", "position")) == [
        ("H-010", 1),
        ("H-011", 2),
    ]


def test_an_empty_form_names_every_field_in_nhs_wording_and_saves_nothing(client_member, add_url):
    response = client_member.post(add_url, {})
    assert response.status_code == 400
    assert errors_on(response) == [
        "Enter the ID",
        "Enter the description",
        "Enter the causes",
        "Enter the effects",
        "Select the initial likelihood",
        "Select the initial severity",
        "Enter the controls",
        "Select the residual likelihood",
        "Select the residual severity",
        "Enter the owner",
        "Select the status",
    ]
    page = response.content.decode()
    assert 'href="#initial_likelihood"' in page and 'id="initial_likelihood"' in page
    assert "<title>Error: Add a hazard" in page
    assert not Hazard.objects.exists() and not HazardLog.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="hazard").exists()


def test_the_form_refuses_what_the_csv_import_refuses_with_the_same_words(
    client_member, add_url, log_url
):
    too_long = "x" * 2001
    bad = {
        **HAZARD,
        "reference": "H-" + "1" * 19,
        "description": too_long,
        "initial_likelihood": "Often",  # not one of the radios: a tampered form
        "status": "Pending",
    }
    response = client_member.post(add_url, bad)
    assert errors_on(response) == [
        "ID must be 20 characters or fewer",
        "Description must be 2,000 characters or fewer",
        "Initial likelihood must be one of Very High, High, Medium, Low, Very Low",
        "Status must be one of Open, Mitigated, Closed",
    ]
    assert too_long in response.content.decode()  # what was typed is kept
    assert not Hazard.objects.exists()

    row = f"{bad['reference']},{too_long},c,e,Often,Major,x,Low,Major,,CSO,Pending"
    imported = send(client_member, log_url, csv_bytes(row))
    assert errors_on(imported) == [f"Row 2: {e}" for e in errors_on(response)]


def test_an_id_already_in_the_log_is_refused(client_member, log_url, add_url):
    send(client_member, log_url, csv_bytes(*GOOD))
    response = client_member.post(add_url, {**HAZARD, "reference": " H-001 ", "owner": ""})
    assert response.status_code == 400
    assert errors_on(response) == [REFERENCE_TAKEN, "Enter the owner"]
    assert Hazard.objects.count() == 2

    second = Hazard.objects.get(reference="H-002")
    change_url = f"{log_url}/{second.pk}/change"
    response = client_member.post(change_url, {**HAZARD, "reference": "H-001", "version": "1"})
    assert errors_on(response) == [REFERENCE_TAKEN]
    assert Hazard.objects.get(pk=second.pk).reference == "H-002"
    # keeping its own ID is no clash
    response = client_member.post(change_url, {**HAZARD, "reference": "H-002", "version": "1"})
    assert response.status_code == 302


def test_a_change_is_saved_from_the_prefilled_form_audited_and_clears_the_approval(
    client_member, log_url, cso, member
):
    send(client_member, log_url, csv_bytes(*GOOD))
    hazard = Hazard.objects.get(reference="H-001")
    change_url = f"{log_url}/{hazard.pk}/change"
    page = client_member.get(log_url).content.decode()
    assert (
        f'<a href="{change_url}">Change<span class="nhsuk-u-visually-hidden"> hazard H-001</span>'
        in page
    )
    approved(client_member, log_url)

    form = client_member.get(change_url)
    html = form.content.decode()
    assert form.status_code == 200 and "Change hazard H-001" in html
    assert 'name="version" value="1"' in html
    assert "Mismatched NHS number, manual entry</textarea>" in html
    assert re.search(r'value="High"\s+checked', html)  # the initial likelihood

    values = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
        for name in ("reference", "owner")
    }
    assert values == {"reference": "H-001", "owner": "CSO"}
    changed = {
        **{f: getattr(hazard, f) for f in HAZARD},
        "residual_likelihood": "High",
        "justification": "Accepted: no safer design",
        "version": "1",
    }
    response = client_member.post(change_url, changed)
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.residual_likelihood, hazard.residual_risk, hazard.version) == ("High", 4, 2)
    assert hazard.justification == "Accepted: no safer design"
    assert HazardLog.objects.get().approved_at is None
    entry = AuditEntry.objects.get(action="hazard.change")
    assert entry.actor == member and entry.object_id == str(hazard.pk)
    assert entry.before == {
        "reference": "H-001",
        "residual_likelihood": "Low",
        "justification": "",
        "approved": True,
    }
    assert entry.after == {
        "reference": "H-001",
        "residual_likelihood": "High",
        "justification": "Accepted: no safer design",
        "approved": False,
    }
    assert "Hazard H-001 changed" in text_of(client_member.get(log_url))

    # saved again unchanged: nothing is written, and an approval stays
    approved(client_member, log_url)
    response = client_member.post(change_url, {**changed, "version": "2"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="hazard.change").count() == 1
    assert HazardLog.objects.get().approved_at is not None


def test_a_change_made_since_the_form_was_loaded_is_refused_and_what_was_typed_kept(
    client_member, log_url, application, colleague
):
    send(client_member, log_url, csv_bytes(*GOOD))
    hazard = Hazard.objects.get(reference="H-001")
    change_url = f"{log_url}/{hazard.pk}/change"
    assert 'name="version" value="1"' in client_member.get(change_url).content.decode()
    # a colleague saves the hazard first
    theirs = {**{f: getattr(hazard, f) for f in HAZARD}, "controls": "Two people check"}
    hazard_change(
        application=application,
        hazard_id=hazard.pk,
        values=theirs,
        expected_version=1,
        actor=colleague,
    )

    mine = {**theirs, "controls": "Barcode scanning", "version": "1"}
    response = client_member.post(change_url, mine)
    assert response.status_code == 400
    assert errors_on(response) == [STALE_HAZARD]
    html = response.content.decode()
    assert "Barcode scanning</textarea>" in html and 'name="version" value="2"' in html
    assert Hazard.objects.get(pk=hazard.pk).controls == "Two people check"
    assert AuditEntry.objects.filter(action="hazard.change").count() == 1

    # saving again, knowing, keeps my version
    response = client_member.post(change_url, {**mine, "version": "2"})
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).controls == "Barcode scanning"


def test_a_hazard_is_removed_only_after_confirming_audited_and_the_approval_cleared(
    client_member, log_url, cso, member
):
    send(client_member, log_url, csv_bytes(*GOOD))
    hazard = Hazard.objects.get(reference="H-002")
    remove_url = f"{log_url}/{hazard.pk}/remove"
    assert f'href="{remove_url}"' in client_member.get(log_url).content.decode()
    approved(client_member, log_url)

    page = client_member.get(remove_url)
    assert page.status_code == 200
    assert "Are you sure you want to remove hazard H-002?" in text_of(page)
    assert Hazard.objects.filter(pk=hazard.pk).exists()

    response = client_member.post(remove_url)
    assert response.status_code == 302 and response["Location"] == log_url
    assert list(Hazard.objects.values_list("reference", flat=True)) == ["H-001"]
    assert HazardLog.objects.get().approved_at is None
    entry = AuditEntry.objects.get(action="hazard.remove")
    assert entry.actor == member and entry.object_id == str(hazard.pk)
    assert entry.before["description"] == "Study not found" and entry.before["approved"]
    assert "Hazard H-002 removed" in text_of(client_member.get(log_url))
    assert client_member.post(remove_url).status_code == 404  # a second time: it is gone


@pytest.fixture
def theirs(other_organisation, outsider):
    """Organisation B's application with a hazard in its log."""
    application = Application.objects.create(
        organisation=other_organisation, scope="both", role="controller", created_by=outsider
    )
    hazard = hazard_add(application=application, values=HAZARD, actor=outsider)
    return application, hazard


def test_another_organisations_hazard_is_a_404_under_any_application(
    client_member, log_url, application, theirs, outsider, reviewer
):
    send(client_member, log_url, csv_bytes(*GOOD))
    their_application, their_hazard = theirs
    for app_id in (their_application.pk, application.pk):  # theirs, and under ours
        base = f"/applications/{app_id}/hazard-log/{their_hazard.pk}"
        assert client_member.get(f"{base}/change").status_code == 404
        assert client_member.post(f"{base}/change", {**HAZARD, "version": "1"}).status_code == 404
        assert client_member.get(f"{base}/remove").status_code == 404
        assert client_member.post(f"{base}/remove").status_code == 404
    assert (
        client_member.post(
            f"/applications/{their_application.pk}/hazard-log/add", HAZARD
        ).status_code
        == 404
    )
    their_hazard.refresh_from_db()
    assert their_hazard.version == 1 and their_hazard.log.application == their_application
    assert Hazard.objects.filter(log__application=their_application).count() == 1

    ours = Hazard.objects.get(reference="H-001")
    for user in (outsider, reviewer):
        client = signed_in(user)
        assert client.get(f"{log_url}/add").status_code == 404
        assert client.post(f"{log_url}/add", {**HAZARD, "reference": "H-099"}).status_code == 404
        assert client.post(f"{log_url}/{ours.pk}/remove").status_code == 404
    assert Hazard.objects.filter(log__application=application).count() == 2


def test_a_colleague_in_the_organisation_can_change_the_log(log_url, colleague, add_url):
    assert Membership.objects.filter(user=colleague).exists()
    response = signed_in(colleague).post(add_url, HAZARD)
    assert response.status_code == 302
    assert Hazard.objects.get().reference == "H-010"
