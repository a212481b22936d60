"""Administration (ADR 0011): administrators create organisations and invite their first member
as onboarding lead, and manage NHS England staff, in the service's own pages; a fresh service
is bootstrapped with manage.py create_administrator."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.administration import LAST_ADMINISTRATOR
from accounts.models import Invitation, Organisation, User, UserKind
from accounts.services import user_create
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.web.conftest import signed_in

from .support import SERVICE_URL, errors_on, link_in_outbox, text_of

NEW_PASSWORD = "Plum-Orchard-Lantern-42"


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = SERVICE_URL


def create_account(link, password=NEW_PASSWORD):
    browser = Client()
    response = browser.get(link)
    assert response.status_code == 302, response.status_code
    response = browser.post(
        response["Location"],
        {"full_name": "Grace Hopper", "password": password, "password_confirm": password},
    )
    return browser, response


def test_an_administrator_creates_an_organisation_whose_first_member_becomes_its_lead(
    client_admin, administrator
):
    response = client_admin.post(
        "/administration/organisations/new",
        {"name": " Northern  Imaging ", "ods_code": "rni", "lead_email": "Lead@Northern.example"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.ods_code) == ("Northern Imaging", "RNI")
    assert response["Location"] == f"/administration/organisations/{organisation.pk}"
    page = client_admin.get(response["Location"])
    assert "lead@northern.example" in text_of(page)
    assert AuditEntry.objects.filter(action="organisation.create", actor=administrator).exists()
    _, accepted = create_account(link_in_outbox("invitation", "lead@northern.example"))
    assert accepted.status_code == 302
    lead = User.objects.get(email="lead@northern.example")
    assert lead.membership.organisation == organisation and lead.membership.is_onboarding_lead
    assert "Northern Imaging" in text_of(client_admin.get("/administration"))


def test_the_organisation_form_checks_each_field_and_keeps_the_input(client_admin, db):
    response = client_admin.post(
        "/administration/organisations/new", {"name": "", "ods_code": "", "lead_email": "x"}
    )
    assert response.status_code == 400
    assert errors_on(response) == [
        "Enter the organisation's name",
        "Enter the organisation's ODS code",
        "Enter an email address in the correct format, like name@example.com",
    ]
    response = client_admin.post(
        "/administration/organisations/new",
        {"name": "Trust", "ods_code": "R-1", "lead_email": "a@trust.example"},
    )
    assert response.status_code == 400
    assert errors_on(response) == [
        "ODS code must be 3 to 10 characters, using only upper-case letters and numbers"
    ]
    assert 'value="Trust"' in response.content.decode()
    assert not Organisation.objects.exists() and not Invitation.objects.exists()


def test_an_address_longer_than_the_database_keeps_is_an_error_not_a_server_error(client_admin):
    """Once a 500 on PostgreSQL (value too long for type character varying(254))."""
    long_email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "example"
    staff = client_admin.post(
        "/administration/staff/invite", {"email": long_email, "role": "reviewer"}
    )
    organisation = client_admin.post(
        "/administration/organisations/new",
        {"name": "Trust", "ods_code": "RX1", "lead_email": long_email},
    )
    for response in (staff, organisation):
        assert response.status_code == 400
        assert errors_on(response) == ["Email address must be 254 characters or fewer"]
    assert not Organisation.objects.exists() and not Invitation.objects.exists()


def test_a_second_organisation_with_the_same_ods_code_is_refused(client_admin, organisation):
    response = client_admin.post(
        "/administration/organisations/new",
        {"name": "Again", "ods_code": organisation.ods_code, "lead_email": "a@b.example"},
    )
    assert response.status_code == 400
    assert len(errors_on(response)) == 1
    assert Organisation.objects.count() == 1


def test_an_administrator_invites_a_reviewer_who_must_set_up_two_factor(client_admin):
    response = client_admin.post(
        "/administration/staff/invite",
        {"email": "new.reviewer@england.example", "role": "reviewer"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.kind == UserKind.REVIEWER and invitation.organisation is None
    browser, response = create_account(link_in_outbox("invitation", invitation.email))
    reviewer = User.objects.get(email="new.reviewer@england.example")
    assert reviewer.kind == UserKind.REVIEWER
    assert not hasattr(reviewer, "membership")
    # Staff set up two-factor before their first session starts.
    assert response["Location"] == "/two-factor/set-up"
    assert browser.get("/review")["Location"].startswith("/sign-in")
    assert "new.reviewer@england.example" in text_of(client_admin.get("/administration/staff"))


def test_staff_who_must_sign_in_through_their_organisation_are_not_signed_in_by_their_invitation(
    client_admin, settings
):
    """Choosing a password on the invitation's page is not a way round STAFF_SIGN_IN_PROVIDER."""
    settings.STAFF_SIGN_IN_PROVIDER = "entra"
    client_admin.post(
        "/administration/staff/invite",
        {"email": "new.reviewer@england.example", "role": "reviewer"},
    )
    browser, response = create_account(link_in_outbox("invitation", "new.reviewer@england.example"))
    assert response.status_code == 302
    assert response["Location"] == "/sign-in"
    assert User.objects.filter(email="new.reviewer@england.example").exists()
    assert browser.get("/review")["Location"].startswith("/sign-in")
    page = text_of(browser.get("/sign-in"))
    assert "Your account is ready. Sign in with your NHS England Microsoft account" in page


def test_the_staff_invite_form_asks_for_a_role(client_admin):
    response = client_admin.post("/administration/staff/invite", {"email": "a@england.example"})
    assert response.status_code == 400
    assert errors_on(response) == ["Select a role"]
    response = client_admin.post(
        "/administration/staff/invite", {"email": "a@england.example", "role": "applicant"}
    )
    assert errors_on(response) == ["Select a role"]
    assert not Invitation.objects.exists()


def test_a_staff_invitation_is_revoked(client_admin):
    client_admin.post(
        "/administration/staff/invite", {"email": "r@england.example", "role": "administrator"}
    )
    invitation = Invitation.objects.get()
    link = link_in_outbox("invitation", invitation.email)
    response = client_admin.post(f"/administration/staff/invitations/{invitation.pk}/revoke")
    assert response.status_code == 302
    assert Client().get(link).status_code == 404


def test_an_applicant_account_is_not_made_staff_by_an_invitation(client_admin, member):
    client_admin.post("/administration/staff/invite", {"email": member.email, "role": "reviewer"})
    browser = signed_in(member)
    browser.get(link_in_outbox("invitation", member.email))
    assert browser.post("/invitation/accept").status_code == 409
    member.refresh_from_db()
    assert member.kind == UserKind.APPLICANT


def test_removing_staff_ends_their_access(client_admin, reviewer):
    elsewhere = signed_in(reviewer)
    assert elsewhere.get("/review").status_code == 200
    url = f"/administration/staff/{reviewer.pk}/remove"
    assert client_admin.get(url).status_code == 200
    assert client_admin.post(url).status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    assert elsewhere.get("/review")["Location"].startswith("/sign-in")
    assert AuditEntry.objects.filter(action="user.deactivate").exists()
    # Gone from the list; asking again finds nobody.
    assert client_admin.post(url).status_code == 404


def test_removed_staff_invited_again_choose_a_new_password_and_are_back(client_admin, reviewer):
    """A removed account cannot sign in, so the invitation's page does not send them to sign in
    (a dead end once): the emailed link proves the address, they choose a new password, and
    two-factor is asked as at any sign-in."""
    client_admin.post(f"/administration/staff/{reviewer.pk}/remove")
    response = client_admin.post(
        "/administration/staff/invite", {"email": reviewer.email, "role": "reviewer"}
    )
    assert response.status_code == 302
    browser = Client()
    browser.get(link_in_outbox("invitation", reviewer.email))
    page = browser.get("/invitation/accept")
    assert page.status_code == 200
    assert "Choose a new password" in text_of(page)
    assert "sign in to accept" not in text_of(page)
    weak = browser.post(
        "/invitation/accept",
        {"full_name": "Rita Reviewer", "password": "short", "password_confirm": "short"},
    )
    assert weak.status_code == 400
    assert 'value="Rita Reviewer"' in weak.content.decode()
    response = browser.post(
        "/invitation/accept",
        {"full_name": "Rita Reviewer", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/set-up"
    reviewer.refresh_from_db()
    assert reviewer.is_active and reviewer.kind == UserKind.REVIEWER
    assert reviewer.full_name == "Rita Reviewer"
    assert reviewer.check_password(NEW_PASSWORD)
    assert User.objects.filter(email=reviewer.email).count() == 1
    assert Invitation.objects.get().accepted_by == reviewer
    assert AuditEntry.objects.filter(action="user.reopen", object_id=str(reviewer.pk)).exists()
    # The link is used up.
    assert browser.post("/invitation/accept", {}).status_code == 404


def test_an_administrator_cannot_remove_themselves_nor_the_last_administrator(
    client_admin, administrator
):
    response = client_admin.post(f"/administration/staff/{administrator.pk}/remove")
    assert response.status_code == 409
    other = user_create(
        email="other.admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        actor=None,
    )
    from accounts.administration import staff_remove
    from accounts.people import MembersRefused

    User.objects.filter(pk=administrator.pk).update(is_active=False)
    with pytest.raises(MembersRefused, match=LAST_ADMINISTRATOR):
        staff_remove(user=other, actor=administrator)
    assert User.objects.get(pk=other.pk).is_active


def test_only_administrators_see_the_administration(member, reviewer, organisation):
    for user in (member, reviewer):
        client = signed_in(user)
        for path in (
            "/administration",
            "/administration/staff",
            f"/administration/organisations/{organisation.pk}",
        ):
            assert client.get(path).status_code == 403, (user, path)
        response = client.post(
            "/administration/organisations/new",
            {"name": "X", "ods_code": "XYZ", "lead_email": "a@b.example"},
        )
        assert response.status_code == 403
    assert Organisation.objects.count() == 1


def test_create_administrator_prints_a_single_use_link_and_is_audited_as_the_system(db):
    out = io.StringIO()
    call_command("create_administrator", "First.Admin@England.example", stdout=out)
    link = out.getvalue().strip().splitlines()[-1].removeprefix(SERVICE_URL)
    assert link.startswith("/invitation/")
    entry = AuditEntry.objects.get(action="invitation.create")
    assert entry.actor is None
    browser, response = create_account(link)
    admin = User.objects.get(email="first.admin@england.example")
    assert admin.kind == UserKind.ADMINISTRATOR
    assert response["Location"] == "/two-factor/set-up"
    assert Client().get(link).status_code == 404
    with pytest.raises(CommandError):
        call_command("create_administrator", "not-an-email", stdout=io.StringIO())


def test_create_administrator_refuses_an_address_longer_than_the_database_keeps(db):
    """Once a database error on PostgreSQL (value too long for type character varying(254))."""
    long_email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "example"
    with pytest.raises(CommandError, match="Email address must be 254 characters or fewer"):
        call_command("create_administrator", long_email, stdout=io.StringIO())
    assert not Invitation.objects.exists()
