"""Organisations and members (ADR 0011): the onboarding lead invites colleagues by a single-use,
expiring link (only its hash stored), resends or revokes it, removes members and hands over the
lead role; an organisation always keeps a lead; an account belongs to one organisation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from accounts.people import LAST_LEAD, MembersRefused, member_lead_set, member_remove
from audit.models import AuditEntry
from core.tokens import token_hash
from tests.web.conftest import make_member, signed_in

from .support import (
    NEW_PASSWORD,
    SERVICE_URL,
    create_account,
    errors_on,
    invite,
    link_in_outbox,
    text_of,
)


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = SERVICE_URL


def test_a_lead_invites_a_colleague_who_creates_an_account_and_lands_in_the_organisation(
    client_lead, organisation
):
    response = invite(client_lead, "New.Colleague@Northern.example")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.colleague@northern.example"
    assert invitation.organisation == organisation
    link = link_in_outbox("invitation", invitation.email)
    token = link.removeprefix("/invitation/")
    assert len(token) >= 43
    # Only the token's hash is stored.
    assert invitation.token_hash == token_hash(token)
    assert token not in str(Invitation.objects.values().get())
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)

    browser = Client()
    page = browser.get(link)
    # The token leaves the address bar at once.
    assert page.status_code == 302 and page["Location"] == "/invitation/accept"
    form = browser.get("/invitation/accept")
    assert "Create your account" in text_of(form)
    response = create_account(browser, link)
    assert response.status_code == 302
    user = User.objects.get(email="new.colleague@northern.example")
    assert user.full_name == "Grace Hopper"
    assert user.check_password(NEW_PASSWORD)
    assert user.membership.organisation == organisation
    assert not user.membership.is_onboarding_lead
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    # Signed in through the two-factor handover: asked to set it up, then at home.
    assert response["Location"].startswith("/two-factor/set-up")
    home = browser.get("/")
    assert home.status_code == 200 and organisation.name in text_of(home)
    assert AuditEntry.objects.filter(action="invitation.accept", actor=user).exists()
    assert AuditEntry.objects.filter(action="invitation.create").exists()


def test_the_new_password_follows_the_password_rules_and_the_form_keeps_the_name(client_lead):
    invite(client_lead)
    link = link_in_outbox("invitation", "new.colleague@northern.example")
    browser = Client()
    response = create_account(browser, link, password="short")
    assert response.status_code == 400
    assert any("at least 12 characters" in error for error in errors_on(response))
    assert 'value="Grace Hopper"' in response.content.decode()
    assert not User.objects.filter(email="new.colleague@northern.example").exists()


def test_the_invite_form_answers_in_the_design_systems_words(client_lead):
    response = invite(client_lead, "not-an-email")
    assert response.status_code == 400
    assert errors_on(response) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert 'value="not-an-email"' in response.content.decode()
    assert errors_on(invite(client_lead, "")) == ["Enter an email address"]
    assert not Invitation.objects.exists()


# Valid in form (under 320 characters) but longer than the 254 the database keeps.
LONG_EMAIL = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "example"


def test_an_address_longer_than_the_database_keeps_is_an_error_not_a_server_error(client_lead):
    """Once a 500 on PostgreSQL (value too long for type character varying(254))."""
    response = invite(client_lead, LONG_EMAIL)
    assert response.status_code == 400
    assert errors_on(response) == ["Email address must be 254 characters or fewer"]
    assert f'value="{LONG_EMAIL}"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_a_member_already_in_the_organisation_is_refused(client_lead, colleague):
    response = invite(client_lead, colleague.email)
    assert response.status_code == 400
    assert errors_on(response) == [
        f"{colleague.email} is already a member of Northern Imaging Trust"
    ]


def test_a_double_submitted_invitation_makes_one_invitation_and_one_email(client_lead):
    from notifications.models import Notification

    invite(client_lead)
    invite(client_lead)
    assert Invitation.objects.count() == 1
    assert Notification.objects.filter(template="invitation").count() == 1


def test_members_see_the_list_but_only_leads_manage(client_lead, colleague, lead):
    page = signed_in(colleague).get("/organisation/members")
    assert page.status_code == 200
    text = text_of(page)
    assert lead.email in text and colleague.email in text and "Onboarding lead" in text
    assert "Invite a colleague" not in text
    client = signed_in(colleague)
    assert invite(client).status_code == 403
    assert client.get(f"/organisation/members/{lead.membership.pk}/remove").status_code == 403
    assert client.post(f"/organisation/members/{lead.membership.pk}/remove").status_code == 403
    assert Membership.objects.filter(user=lead).exists()
    assert "Invite a colleague" in text_of(client_lead.get("/organisation/members"))


def test_another_organisations_member_and_invitation_are_not_found(
    client_lead, outsider, other_organisation
):
    Membership.objects.filter(user=outsider).update(is_onboarding_lead=True)
    theirs = Invitation.objects.create(
        email="x@southern.example",
        organisation=other_organisation,
        token_hash=token_hash("t"),
        expires_at=timezone.now() + timedelta(days=1),
    )
    member_id = outsider.membership.pk
    for method, path in (
        ("get", f"/organisation/members/{member_id}/remove"),
        ("post", f"/organisation/members/{member_id}/remove"),
        ("post", f"/organisation/members/{member_id}/hand-over-lead"),
        ("post", f"/organisation/invitations/{theirs.pk}/resend"),
        ("post", f"/organisation/invitations/{theirs.pk}/revoke"),
    ):
        assert getattr(client_lead, method)(path).status_code == 404, path
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert Membership.objects.filter(user=outsider).exists()


def test_a_lead_removes_a_member(client_lead, colleague):
    page = client_lead.get(f"/organisation/members/{colleague.membership.pk}/remove")
    assert page.status_code == 200
    response = client_lead.post(f"/organisation/members/{colleague.membership.pk}/remove")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=colleague).exists()
    assert AuditEntry.objects.filter(action="membership.remove").exists()
    # The removed person no longer sees the organisation's pages.
    assert (
        signed_in(User.objects.get(pk=colleague.pk)).get("/organisation/members").status_code == 403
    )


def test_the_last_lead_cannot_be_removed_or_demoted(client_lead, lead, colleague):
    response = client_lead.post(f"/organisation/members/{lead.membership.pk}/remove")
    assert response.status_code == 409
    assert LAST_LEAD in text_of(response)
    assert Membership.objects.filter(user=lead).exists()
    with pytest.raises(MembersRefused):
        member_lead_set(membership=lead.membership, is_lead=False, actor=lead)
    with pytest.raises(MembersRefused):
        member_remove(membership=lead.membership, actor=lead)
    assert Membership.objects.get(user=lead).is_onboarding_lead


def test_a_lead_with_another_lead_may_leave(client_lead, lead, colleague):
    member_lead_set(membership=colleague.membership, is_lead=True, actor=lead)
    response = client_lead.post(f"/organisation/members/{lead.membership.pk}/remove")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=lead).exists()


def test_handing_over_the_lead_role(client_lead, lead, colleague):
    url = f"/organisation/members/{colleague.membership.pk}/hand-over-lead"
    assert client_lead.get(url).status_code == 200
    assert client_lead.post(url).status_code == 302
    assert Membership.objects.get(user=colleague).is_onboarding_lead
    assert not Membership.objects.get(user=lead).is_onboarding_lead
    # The old lead no longer manages: the second click is refused, and changes nothing.
    assert client_lead.post(url).status_code == 403
    assert Membership.objects.get(user=colleague).is_onboarding_lead
    assert AuditEntry.objects.filter(action="membership.lead_set").count() == 2


def test_an_invited_lead_joins_as_a_lead(organisation, lead):
    from accounts.people import invitation_create

    invitation_create(
        email="second.lead@northern.example", organisation=organisation, is_lead=True, actor=lead
    )
    link = link_in_outbox("invitation", "second.lead@northern.example")
    assert create_account(Client(), link).status_code == 302
    assert Membership.objects.get(user__email="second.lead@northern.example").is_onboarding_lead


def test_staff_cannot_join_an_organisation(client_lead, reviewer):
    invite(client_lead, reviewer.email)
    link = link_in_outbox("invitation", reviewer.email)
    browser = signed_in(reviewer)
    browser.get(link)
    response = browser.post("/invitation/accept")
    assert response.status_code == 409
    assert not hasattr(User.objects.get(pk=reviewer.pk), "membership")


def test_make_member_helper_is_not_a_lead(organisation):
    assert not make_member(organisation, "plain@northern.example").membership.is_onboarding_lead
