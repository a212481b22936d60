"""Administration without a shell (issue 26; ADR 0039): an administrator finds a person by name
or email address, resets their two-factor authentication with a reason (they are emailed and set
it up again at their next sign-in), deactivates and reactivates their account, and resends or
revokes an organisation's invitation. Every action is audited."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Invitation, User, UserKind
from accounts.people import invitation_create
from accounts.services import organisation_create, user_create
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.two_factor_support import fresh_code, give_authenticator
from tests.web.conftest import make_member, signed_in
from two_factor.models import Authenticator, RecoveryCode

from .support import SERVICE_URL, errors_on, link_in_outbox, text_of

MUST_SET_UP = "You need to set up two-factor authentication before you can use this service"


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = SERVICE_URL


@pytest.fixture
def reviewer(db):
    return user_create(
        email="Rosalind.Reviewer@england.example",
        password=PASSWORD,
        kind=UserKind.REVIEWER,
        full_name="Rosalind Franklin",
        actor=None,
    )


@pytest.fixture
def northern(db):
    return organisation_create(name="Northern Imaging", ods_code="RNI", actor=None)


def test_search_finds_a_person_by_part_of_their_name_or_email_in_any_case(
    client_admin, reviewer, northern
):
    member = make_member(northern, "grace.hopper@northern.example")
    member.full_name = "Grace Hopper"
    member.last_login = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    member.save()
    by_name = text_of(client_admin.get("/administration/people", {"q": "gRACE hop"}))
    assert "1 person found" in by_name
    assert "Grace Hopper" in by_name and "grace.hopper@northern.example" in by_name
    assert "Northern Imaging" in by_name and "Applicant" in by_name
    assert "14 March 2026" in by_name  # last sign-in
    assert "Rosalind" not in by_name
    by_email = text_of(client_admin.get("/administration/people", {"q": "ROSALIND.REV"}))
    assert "Rosalind Franklin" in by_email and "NHS England" in by_email
    assert "Reviewer" in by_email and "Never" in by_email
    assert "Grace" not in by_email
    nobody = text_of(client_admin.get("/administration/people", {"q": "nobody-at-all"}))
    assert "No one's name or email address contains nobody-at-all" in nobody


def test_an_empty_search_lists_no_one(client_admin, reviewer):
    page = text_of(client_admin.get("/administration/people"))
    assert "Find a person" in page and "Rosalind" not in page


def test_the_person_page_shows_their_organisation_role_and_two_factor(client_admin, reviewer):
    give_authenticator(reviewer)
    page = text_of(client_admin.get(f"/administration/people/{reviewer.pk}"))
    assert "Rosalind Franklin" in page
    assert "Role Reviewer" in page and "Organisation NHS England" in page
    assert "Two-factor authentication Set up" in page
    assert "Last signed in Never" in page


def test_resetting_two_factor_needs_a_reason(client_admin, reviewer):
    give_authenticator(reviewer)
    path = f"/administration/people/{reviewer.pk}/reset-two-factor"
    response = client_admin.post(path, {"reason": "   "})
    assert response.status_code == 400
    assert errors_on(response) == ["Enter why you are resetting their two-factor authentication"]
    too_long = client_admin.post(path, {"reason": "x" * 2001})
    assert errors_on(too_long) == ["Reason must be 2,000 characters or fewer"]
    assert Authenticator.objects.filter(user=reviewer).exists()
    assert not AuditEntry.objects.filter(action="two_factor.reset").exists()


def test_resetting_two_factor_emails_audits_and_they_set_it_up_again_at_sign_in(
    client_admin, administrator, reviewer, django_capture_on_commit_callbacks
):
    secret = give_authenticator(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_admin.post(
            f"/administration/people/{reviewer.pk}/reset-two-factor",
            {"reason": "Lost their phone; checked by a video call"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/administration/people/{reviewer.pk}"
    page = text_of(client_admin.get(response["Location"]))
    assert "Two-factor authentication has been reset for Rosalind Franklin" in page
    assert "Not set up: they must set it up at their next sign-in" in page
    assert not Authenticator.objects.filter(user=reviewer).exists()
    assert not RecoveryCode.objects.filter(user=reviewer).exists()

    entry = AuditEntry.objects.get(action="two_factor.reset")
    assert entry.actor == administrator and entry.object_id == str(reviewer.pk)
    assert entry.after["reason"] == "Lost their phone; checked by a video call"

    (email,) = [m for m in mail.outbox if reviewer.email.lower() in m.to]
    assert email.subject == "NIR onboarding: your two-factor authentication has been reset"
    assert "Why: Lost their phone; checked by a video call" in email.body
    assert f"{SERVICE_URL}/sign-in" in email.body

    # Their old app no longer signs them in: they are asked to set one up.
    browser = Client()
    signing = browser.post("/sign-in", {"email": reviewer.email, "password": PASSWORD})
    assert signing["Location"] == "/two-factor/set-up"
    assert MUST_SET_UP in text_of(browser.get("/two-factor/set-up"))
    assert browser.post("/two-factor/sign-in", {"code": fresh_code(secret)}).status_code != 200


def test_deactivating_stops_them_signing_in_and_reactivating_lets_them_again(
    client_admin, administrator, northern
):
    member = make_member(northern, "grace.hopper@northern.example")
    path = f"/administration/people/{member.pk}"
    confirm = text_of(client_admin.get(f"{path}/deactivate"))
    assert "Are you sure you want to deactivate grace.hopper@northern.example?" in confirm
    assert client_admin.post(f"{path}/deactivate")["Location"] == path
    member.refresh_from_db()
    assert not member.is_active
    refused = Client().post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert refused.status_code != 302 and "/two-factor" not in refused.get("Location", "")
    assert "Deactivated" in text_of(client_admin.get(path))
    deactivated = AuditEntry.objects.get(action="user.deactivate")
    assert deactivated.actor == administrator and deactivated.organisation == northern

    confirm = text_of(client_admin.get(f"{path}/reactivate"))
    assert "Are you sure you want to reactivate grace.hopper@northern.example?" in confirm
    assert client_admin.post(f"{path}/reactivate")["Location"] == path
    member.refresh_from_db()
    assert member.is_active and member.membership.organisation == northern
    signing = Client().post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert signing.status_code == 302
    member.refresh_from_db()
    assert member.last_login is not None  # what the search and their page show
    assert AuditEntry.objects.get(action="user.reactivate").actor == administrator


def test_an_administrator_cannot_deactivate_themselves(client_admin, administrator):
    path = f"/administration/people/{administrator.pk}"
    assert "You cannot deactivate your own account" in text_of(client_admin.get(path))
    response = client_admin.post(f"{path}/deactivate")
    assert response.status_code == 409
    assert (
        "There is a problem You cannot deactivate your own account. Ask another administrator"
        in (text_of(response))
    )
    administrator.refresh_from_db()
    assert administrator.is_active
    assert not AuditEntry.objects.filter(action="user.deactivate").exists()


def test_an_administrator_resends_and_revokes_an_organisations_invitation(
    client_admin, administrator, northern
):
    invitation = invitation_create(
        email="new.member@northern.example", organisation=northern, actor=administrator
    )
    first_link = link_in_outbox("invitation", "new.member@northern.example")
    page = f"/administration/organisations/{northern.pk}"
    base = f"{page}/invitations/{invitation.pk}"
    assert "Resend the invitation to new.member@northern.example" in text_of(client_admin.get(page))

    assert client_admin.post(f"{base}/resend")["Location"] == page
    assert "We have emailed the invitation to new.member@northern.example again" in text_of(
        client_admin.get(page)
    )
    second_link = link_in_outbox("invitation", "new.member@northern.example")
    assert second_link != first_link
    resent = AuditEntry.objects.get(action="invitation.resend")
    assert resent.actor == administrator and resent.organisation == northern

    assert client_admin.post(f"{base}/revoke")["Location"] == page
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "There are no invitations waiting" in text_of(client_admin.get(page))
    assert AuditEntry.objects.get(action="invitation.revoke").actor == administrator
    # Through another organisation's page, it is not found.
    southern = organisation_create(name="Southern Imaging", ods_code="RSI", actor=None)
    other = invitation_create(
        email="someone@northern.example", organisation=northern, actor=administrator
    )
    wrong = f"/administration/organisations/{southern.pk}/invitations/{other.pk}/revoke"
    assert client_admin.post(wrong).status_code == 404
    assert Invitation.objects.get(pk=other.pk).revoked_at is None


@pytest.mark.parametrize("kind", ["reviewer", "applicant"])
def test_no_reviewer_or_applicant_reaches_a_persons_page_or_changes_them(kind, reviewer, northern):
    someone = reviewer if kind == "reviewer" else make_member(northern, "m@northern.example")
    target = user_create(
        email="t@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    client = signed_in(someone)
    base = f"/administration/people/{target.pk}"
    for path in ("/administration/people?q=t", base, f"{base}/reset-two-factor"):
        assert client.get(path).status_code in (403, 404), path
    for path in (f"{base}/deactivate", f"{base}/reset-two-factor"):
        assert client.post(path, {"reason": "x"}).status_code in (403, 404), path
    assert User.objects.get(pk=target.pk).is_active
    assert not AuditEntry.objects.filter(
        action__in=["two_factor.reset", "user.deactivate"]
    ).exists()
