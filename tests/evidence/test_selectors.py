"""Reads of evidence (evidence/selectors.py) beyond the download page's (test_download.py): which
revision is the latest, and the one way to a file's bytes refusing whoever is not a user.
`make mutation MODULE=evidence/selectors.py` runs these with test_download.py (docs/testing.md)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from evidence.models import EvidenceFile, ScanStatus
from evidence.refusals import EvidenceRefused
from evidence.selectors import evidence_get_for_user, evidence_history, evidence_latest
from tests.evidence import files

pytestmark = pytest.mark.django_db


def test_the_latest_is_the_latest_accepted_unless_any_is_asked_for(
    store, evidence_settings, tmp_path, application
):
    accepted = store(files.PDF)
    assert accepted.scan_status == ScanStatus.NOT_SCANNED
    # The scanner cannot be reached: the next revision waits, pending, in quarantine.
    evidence_settings.CLAMD_ADDRESS = f"unix://{tmp_path}/no-clamd-here.sock"
    evidence_settings.CLAMD_TIMEOUT = 2
    with pytest.raises(EvidenceRefused):  # "try again", and the file is kept, pending
        store(files.PDF)
    pending = EvidenceFile.objects.get(scan_status=ScanStatus.PENDING)

    assert evidence_latest(application, "question:c_aup") == accepted
    assert evidence_latest(application=application, purpose="question:c_aup") == accepted
    assert evidence_latest(application, "question:c_aup", accepted_only=False) == pending
    with pytest.raises(TypeError):  # accepted_only is named, never positional
        evidence_latest(application, "question:c_aup", False)
    assert evidence_latest(application, "question:other") is None
    assert list(evidence_history(application, "question:c_aup")) == [accepted, pending]


def test_no_file_for_someone_signed_out(store):
    evidence = store(files.PDF)
    with pytest.raises(Http404):
        evidence_get_for_user(AnonymousUser(), evidence.pk)
