"""Downloads: only the organisation's members and NHS England staff, only accepted files, as an
attachment of the detected type that no browser sniffs or caches."""

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from evidence.refusals import EvidenceRefused
from tests.evidence import files

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(evidence):
    return f"/evidence/{evidence.pk}/download"


def content(response):
    return b"".join(response.streaming_content)


def submitted(evidence):
    """The application the file belongs to, as if Stage 2 had been submitted."""
    application = evidence.application
    application.stage2_submitted_at = timezone.now()
    application.save(update_fields=["stage2_submitted_at"])
    return evidence


@pytest.mark.parametrize("who", ["member", "reviewer"])
def test_the_owner_and_a_reviewer_get_the_bytes_with_safe_headers(request, store, who):
    evidence = submitted(store(files.PDF, "Hazard log ‘v2’.pdf"))
    response = signed_in(request.getfixturevalue(who)).get(url(evidence))
    assert response.status_code == 200
    assert content(response) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(files.PDF))
    assert response["Content-Disposition"] == (
        'attachment; filename="Hazard log _v2_.pdf"; '
        "filename*=UTF-8''Hazard%20log%20%E2%80%98v2%E2%80%99.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_type_sent_is_the_detected_one_not_the_name(store, member):
    evidence = store(files.PNG, "looks-like.pdf")
    response = signed_in(member).get(url(evidence))
    assert response["Content-Type"] == "image/png"
    assert 'filename="looks-like.pdf.png"' in response["Content-Disposition"]


def test_another_organisations_member_gets_404(store, outsider):
    evidence = store(files.PDF)
    assert signed_in(outsider).get(url(evidence)).status_code == 404


def test_a_draft_never_submitted_is_its_organisations_alone(store, member, reviewer):
    """A reviewer cannot see a draft's application page, nor download its files (issue 22,
    finding 4): the download goes through the application's selector."""
    evidence = store(files.PDF)
    draft = evidence.application
    assert signed_in(reviewer).get(f"/review/applications/{draft.pk}").status_code == 404
    assert signed_in(reviewer).get(url(evidence)).status_code == 404
    assert signed_in(member).get(url(evidence)).status_code == 200
    submitted(evidence)
    assert signed_in(reviewer).get(url(evidence)).status_code == 200


def test_a_file_that_is_not_accepted_is_404_to_everyone(store, dead_scanner, member, reviewer):
    from evidence.models import EvidenceFile

    with pytest.raises(EvidenceRefused):
        store(files.PDF)
    pending = EvidenceFile.objects.get()
    assert signed_in(member).get(url(pending)).status_code == 404
    assert signed_in(reviewer).get(url(pending)).status_code == 404


def test_an_unknown_id_is_404_and_a_signed_out_user_is_sent_to_sign_in(store, member):
    assert (
        signed_in(member).get("/evidence/00000000-0000-0000-0000-000000000000/download").status_code
        == 404
    )
    response = Client().get(url(store(files.PDF)))
    assert response.status_code == 302 and "/sign-in" in response["Location"]


def test_every_download_is_audited_naming_who_and_which_file_never_its_bytes(
    store, member, reviewer, outsider
):
    evidence = submitted(store(files.PDF, "DPIA signed.pdf"))
    for who in (member, reviewer):
        assert content(signed_in(who).get(url(evidence))) == files.PDF
    assert signed_in(outsider).get(url(evidence)).status_code == 404
    entries = AuditEntry.objects.filter(action="evidence.download").order_by("sequence")
    assert [e.actor_id for e in entries] == [member.pk, reviewer.pk]
    for entry in entries:
        assert (entry.object_type, entry.object_id) == ("evidence.EvidenceFile", str(evidence.pk))
        assert entry.organisation_id == evidence.application.organisation_id
        assert entry.subject == "question:c_aup"
        assert entry.after == {
            "revision": 1,
            "name": "DPIA signed.pdf",
            "sha256": evidence.sha256,
        }
