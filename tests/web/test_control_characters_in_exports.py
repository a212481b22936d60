"""Control characters that arrive in a file (ADR 0007, amended for issue 22) reach no export
beyond the importer's own pages: every one, fed through the ODS import and the certificate upload,
or written straight to the database as an import before the fix could have, is in neither the
FHIR QuestionnaireResponse nor the assurance pack, for the applicant or NHS England. And the one
rule that cleans them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.evidence.conftest import evidence_settings  # noqa: F401 - each test its own folders
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)
from tests.web.conftest import signed_in

from .control_characters import ANY_CONTROL, EVERY_CONTROL, certificate_named, storable

# ----------------------------------- what imported records reach: the FHIR and assurance pack


def approved_with_a_certificate_hold(client_member, reviewer, certificate_upload):
    """Submit and approve a supplier application, then let `certificate_upload` add a certificate
    that has expired when the daily check runs tomorrow: the check holds the application, with
    the certificate's subject in the reason."""
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Application
    from tests.answer_sets import SUPPLIER
    from tests.attestations.support import attest_all
    from tests.web.conftest import Applicant
    from tests.workflow.test_review_cycle import Reviewer
    from workflow.continuous.certificates import certificate_check
    from workflow.models import Hold, HoldOrigin

    applicant = Applicant(client_member).start()
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attest_all(application)
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    assert desk.post("/approve").status_code == 302
    certificate_upload(application)
    assert certificate_check(day=timezone.localdate() + timedelta(days=2)).holds == 1
    assert Hold.objects.get(origin=HoldOrigin.CERTIFICATE).is_open
    return applicant, application


def assert_exports_hold_no_control_character(applicant, application, reviewer, names):
    """The FHIR QuestionnaireResponse and the assurance pack, for the applicant and NHS England:
    each a 200 with no control character, raw or parsed, and each of `names` there cleaned."""
    import json
    import zipfile

    import pypdfium2

    from workflow.assurance_pack.pack import load_public_key, public_key_pem, verify_pack

    def strings(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    staff = signed_in(reviewer)
    for client, fhir_url, pack_url in (
        (
            applicant.client,
            f"{applicant.stage2}/questionnaire-response.fhir.json",
            f"/applications/{application.pk}/assurance-pack.zip",
        ),
        (
            staff,
            f"/review/applications/{application.pk}/questionnaire-response.fhir.json",
            f"/review/applications/{application.pk}/assurance-pack.zip",
        ),
    ):
        fhir = client.get(fhir_url)
        assert fhir.status_code == 200
        assert not ANY_CONTROL.search(fhir.content.decode())
        resource = json.loads(fhir.content)
        assert not any(ANY_CONTROL.search(text) for text in strings(resource))
        assert resource["source"]["display"] == names["organisation"]

        pack = client.get(pack_url)
        assert pack.status_code == 200
        verify_pack(pack.content, load_public_key(public_key_pem()))  # audit.json left exact
        archive = zipfile.ZipFile(io.BytesIO(pack.content))
        for name in ("application.json", "audit.json", "manifest.json"):
            assert not ANY_CONTROL.search(archive.read(name).decode()), name
        data = json.loads(archive.read("application.json"))
        assert not any(ANY_CONTROL.search(text) for text in strings(data))
        assert data["organisation"]["name"] == names["organisation"]
        assert names["subject"] in data["holds"][0]["reason"]
        pdf = pypdfium2.PdfDocument(archive.read("summary.pdf"))
        text = "".join(page.get_textpage().get_text_bounded() for page in pdf)
        assert not ANY_CONTROL.search(text)
        drawn = " ".join(text.split())
        assert names["organisation"] in drawn
        assert names["subject"] in drawn


def test_control_characters_imported_reach_no_export(
    client_member, reviewer, organisation, fixed_today, tmp_path
):
    """Every control character, fed through the ODS import (the organisation's official name)
    and the certificate upload (the subject an expiry hold quotes), reaches neither the FHIR
    export nor the assurance pack."""
    from tests.certificates import factory
    from tests.ods.files import import_bytes

    import_bytes(
        b'"Organisation Code","Name"\r\n'
        + f'"RNI","Northern{EVERY_CONTROL} Imaging NHS Trust"\r\n'.encode()
    )

    def upload(application):
        sent = factory.pem(certificate_named(f"Demo{EVERY_CONTROL} Ltd"))
        response = client_member.post(
            "/certificates", {"certificate": SimpleUploadedFile("client.pem", sent)}
        )
        assert response.status_code == 302

    applicant, application = approved_with_a_certificate_hold(client_member, reviewer, upload)
    organisation.refresh_from_db()
    assert organisation.name == "Northern Imaging NHS Trust"  # ODS's name, cleaned
    assert_exports_hold_no_control_character(
        applicant,
        application,
        reviewer,
        {"organisation": "Northern Imaging NHS Trust", "subject": "O=Demo\\00 Ltd"},
    )


def test_control_characters_stored_before_the_fix_still_export(
    client_member, reviewer, organisation, fixed_today
):
    """An organisation name and a certificate subject written straight to the database, as an
    import before this fix could have: the exports clean them as they write."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Organisation
    from certificates.models import Certificate

    Organisation.objects.filter(pk=organisation.pk).update(
        name=storable(f"Northern{EVERY_CONTROL} Imaging Trust")
    )

    def stored(application):
        Certificate.objects.create(
            organisation=organisation,
            subject=storable(f"CN=pacs,O=Demo{EVERY_CONTROL} Ltd"),
            issuer="CN=Test Issuing CA",
            serial="ABC123",
            fingerprint_sha256=uuid.uuid4().hex.upper() * 2,
            not_before=timezone.now() - timedelta(days=365),
            not_after=timezone.now() + timedelta(hours=1),
            key_type="ec",
            key_size=256,
            der=b"0",
        )

    applicant, application = approved_with_a_certificate_hold(client_member, reviewer, stored)
    assert_exports_hold_no_control_character(
        applicant,
        application,
        reviewer,
        {"organisation": "Northern Imaging Trust", "subject": "CN=pacs,O=Demo Ltd"},
    )


# ----------------------------------------------------------------------------- the one rule


def test_the_rule_removes_everything_openpyxl_cannot_write():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from core.text import clean_text

    every = "".join(chr(c) for c in range(0x100))
    assert not ILLEGAL_CHARACTERS_RE.search(clean_text(every))
    assert not ANY_CONTROL.search(clean_text(every))


def test_json_keeps_each_control_character_exactly_but_holds_none_raw():
    import json

    from core.text import json_controls_escaped

    value = {"reason": f"a{EVERY_CONTROL}b", "café": "naïve"}
    text = json_controls_escaped(json.dumps(value, ensure_ascii=False))
    assert not ANY_CONTROL.search(text)
    assert json.loads(text) == value
    assert "café" in text  # only control characters are escaped
