"""The supplier's Certificates page in Chromium: from the header, an error (no file, then an
expired certificate), then a valid certificate added and shown; axe on each page, with and
without JavaScript."""

from datetime import UTC, datetime

import pytest

from tests.certificates import factory

pytestmark = pytest.mark.system


@pytest.fixture
def supplier_organisation(people, settings, tmp_path):
    from applications.models import Application

    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.CLAMD_ADDRESS = ""
    member = people["supplier"]
    Application.objects.create(
        organisation=member.membership.organisation,
        scope="both",
        role="supplier",
        created_by=member,
    )
    return member


def test_a_supplier_records_a_certificate(me, supplier_organisation, tmp_path):
    me.given_i_have_signed_in_as("pm@southern.example")
    me.follow_link("Certificates")
    me.then_i_see_heading("Certificates")
    me.then_i_see("Your organisation has not recorded a certificate yet.")

    # when I upload without choosing a file, then I am told to select one
    me.press_button("Upload certificate")
    me.then_i_see_the_error("Select a file")

    # when I upload an expired certificate, then I am told when it expired
    expired = tmp_path / "expired.pem"
    expired.write_bytes(
        factory.pem(
            factory.make_certificate(
                not_before=datetime(2025, 3, 3, 12, tzinfo=UTC),
                not_after=datetime(2026, 3, 3, 12, tzinfo=UTC),
            )
        )
    )
    me.page.get_by_label("Upload the public certificate").set_input_files(expired)
    me.fill("Product that uses it (optional)", "PACS One 4.2")
    me.press_button("Upload certificate")
    me.then_i_see_the_error(
        "The selected certificate expired on 3 March 2026. Upload a current certificate"
    )

    # when I upload a current one, then its page shows it, and the list has it as valid
    current = tmp_path / "client.pem"
    current.write_bytes(factory.pem(factory.make_certificate(serial=0xC0FFEE)))
    me.page.get_by_label("Upload the public certificate").set_input_files(current)
    me.press_button("Upload certificate")
    me.then_i_see_heading("CN=pacs-one.supplier.example,O=Demo Imaging Systems Ltd")
    me.then_i_see_success("has been added")
    me.then_i_see("C0FFEE")
    me.then_i_see("PACS One 4.2")
    me.follow_link("Certificates")
    me.then_i_see("Valid")
