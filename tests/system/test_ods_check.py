"""The ODS check in Chromium (ADR 0017), axe on every page: an administrator is told that no ODS
data has been imported, then, with data, which data the codes are checked against; unknown and
closed codes are refused and an open one gives the organisation its ODS name. An applicant whose
organisation was renamed in ODS starts an application under the new name; one whose code is not
in the data is told so and cannot."""

import pytest

from accounts.models import Organisation, UserKind
from accounts.services import user_create
from tests.conftest import PASSWORD
from tests.ods.files import CLOSED, Org, import_bytes, ods_xml
from tests.two_factor_support import give_authenticator

pytestmark = pytest.mark.system

KESTREL = Org("8JK01", "Kestrel Imaging Ltd", role="RO92")
RENAMED = Org("RNI", "Northern Imaging and Scanning NHS Trust")


@pytest.fixture
def administrator(people):
    admin = user_create(
        email="admin@england.example", password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )
    give_authenticator(admin)
    return admin


def test_an_administrator_creates_an_organisation_checked_against_ods_data(me, administrator):
    me.visit("/sign-in")
    me.when_i_sign_in_as("admin@england.example")
    me.visit("/administration")
    me.then_i_see("No ODS data has been imported, so ODS codes are not checked")
    me.press_button("Create an organisation")
    me.then_i_see("No ODS data has been imported, so ODS codes are not checked")

    import_bytes(ods_xml([CLOSED, KESTREL, RENAMED]), source="HSCOrgRefData_Full_20261101.xml")
    me.visit("/administration/organisations/new")
    me.then_i_see("ODS codes are checked against the ODS data from HSCOrgRefData_Full_20261101.xml")
    me.then_i_see("The organisation's name is taken from it.")
    me.then_i_do_not_see("Organisation name")
    me.fill("Email address of the first member", "lead@kestrel.example")
    me.fill("ODS code", "RZZ99")
    me.press_button("Create the organisation")
    me.then_i_see_the_error(
        "Enter an ODS code from the ODS data: no organisation has the code RZZ99"
    )
    me.fill("ODS code", "RCL")
    me.press_button("Create the organisation")
    me.then_i_see_the_error(
        "Enter the ODS code of an open organisation: Closed Valley NHS Trust (RCL) is closed "
        "in the ODS data"
    )
    me.fill("ODS code", "8jk01")
    me.press_button("Create the organisation")
    me.then_i_see_success("Kestrel Imaging Ltd has been created")
    me.then_i_see("In ODS data: Open.")
    assert Organisation.objects.get(ods_code="8JK01").name == "Kestrel Imaging Ltd"
    me.visit("/administration")
    me.then_i_see("In ODS data")
    me.then_i_see("Not in ODS data")  # the fixture's supplier, 8AB12


def test_an_applicant_starts_under_the_ods_name_or_is_told_the_code_is_not_in_the_data(me, people):
    import_bytes(ods_xml([RENAMED]), source="HSCOrgRefData_Full_20261101.xml")
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.press_button("Start a new application")
    me.then_i_see(
        "We check your organisation's ODS code, RNI, against the NHS Organisation Data Service "
        "(ODS) data NHS England imported on"
    )
    me.choose("Both (Consumer and Provider)")
    me.press_button("Start application")
    me.then_i_see_heading("Application NIR-")
    assert Organisation.objects.get(ods_code="RNI").name == RENAMED.name

    me.page.context.clear_cookies()
    me.given_i_have_signed_in_as("pm@southern.example")
    me.press_button("Start a new application")
    me.choose("NIR XCA Consumer")
    me.press_button("Start application")
    me.then_i_see(
        "You cannot start an application: your organisation's ODS code, 8AB12, is not in the "
        "ODS data. Contact NHS England to correct your organisation's ODS code"
    )
    me.then_i_see_heading("Which NIR integration scope are you onboarding for?")
