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
from tests.conftest import PASSWORD
from tests.web.conftest import make_member, signed_in

from .support import SERVICE_URL, errors_on, link_in_outbox, text_of

NEW_PASSWORD = "Plum-Orchard-Lantern-42"
DEAD = "This link has expired or has already been used"


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = SERVICE_URL


@pytest.fixture
def lead(member):
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    member.refresh_from_db()
    return member


@pytest.fixture
def client_lead(lead):
    return signed_in(lead)


def invite(client, email="new.colleague@northern.example"):
    return client.post("/organisation/members/invite", {"email": email})


def create_account(client, link, *, full_name="Grace Hopper", password=NEW_PASSWORD):
    response = client.get(link)
    if response.status_code != 302:
        return response
    return client.post(
        response["Location"],
        {"full_name": full_name, "password": password, "password_confirm": password},
    )


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
    assert errors_on(response) == ["Email address must be 254 characters or less"]
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


def test_an_expired_invitation_does_not_work(client_lead):
    invite(client_lead)
    link = link_in_outbox("invitation", "new.colleague@northern.example")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(link)
    assert response.status_code == 404
    assert DEAD in text_of(response)


def test_an_invitation_that_expires_after_the_link_was_followed_cannot_be_accepted(client_lead):
    invite(client_lead)
    link = link_in_outbox("invitation", "new.colleague@northern.example")
    browser = Client()
    assert browser.get(link).status_code == 302
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = browser.post(
        "/invitation/accept",
        {"full_name": "Grace", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="new.colleague@northern.example").exists()


def test_a_link_works_once(client_lead):
    invite(client_lead)
    link = link_in_outbox("invitation", "new.colleague@northern.example")
    assert create_account(Client(), link).status_code == 302
    again = Client().get(link)
    assert again.status_code == 404
    assert DEAD in text_of(again)
    assert User.objects.filter(email="new.colleague@northern.example").count() == 1


def test_used_revoked_expired_and_unknown_links_answer_alike(client_lead):
    answers = []
    for email in ("used@northern.example", "revoked@northern.example", "old@northern.example"):
        invite(client_lead, email)
    used = link_in_outbox("invitation", "used@northern.example")
    create_account(Client(), used)
    revoked = Invitation.objects.get(email="revoked@northern.example")
    client_lead.post(f"/organisation/invitations/{revoked.pk}/revoke")
    Invitation.objects.filter(email="old@northern.example").update(expires_at=timezone.now())
    for link in (
        used,
        link_in_outbox("invitation", "revoked@northern.example"),
        link_in_outbox("invitation", "old@northern.example"),
        "/invitation/not-a-token-we-ever-made",
    ):
        response = Client().get(link)
        answers.append((response.status_code, text_of(response)))
    assert len(set(answers)) == 1
    assert answers[0][0] == 404


def test_revoking_kills_the_link_and_is_audited(client_lead, lead):
    invite(client_lead)
    invitation = Invitation.objects.get()
    link = link_in_outbox("invitation", invitation.email)
    response = client_lead.post(f"/organisation/invitations/{invitation.pk}/revoke")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(link).status_code == 404
    entry = AuditEntry.objects.get(action="invitation.revoke")
    assert entry.actor == lead and entry.object_id == str(invitation.pk)
    # Revoking again changes nothing.
    assert client_lead.post(f"/organisation/invitations/{invitation.pk}/revoke").status_code == 404


def test_resending_sends_a_new_link_and_the_old_one_dies(client_lead):
    invite(client_lead)
    invitation = Invitation.objects.get()
    old = link_in_outbox("invitation", invitation.email)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    response = client_lead.post(f"/organisation/invitations/{invitation.pk}/resend")
    assert response.status_code == 302
    new = link_in_outbox("invitation", invitation.email)
    assert new != old
    assert Client().get(old).status_code == 404
    assert create_account(Client(), new).status_code == 302
    assert AuditEntry.objects.filter(action="invitation.resend").count() == 1


def no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_resending_cuts_off_a_browser_that_already_followed_the_old_link(client_lead):
    """Issue 22, finding 2: the session kept the invitation's id, so a browser that had followed
    the old link could still create the account after the lead resent it."""
    invite(client_lead)
    invitation = Invitation.objects.get()
    old = link_in_outbox("invitation", invitation.email)
    browser_a = Client()
    assert browser_a.get(old)["Location"] == "/invitation/accept"
    assert "Create your account" in text_of(browser_a.get("/invitation/accept"))
    client_lead.post(f"/organisation/invitations/{invitation.pk}/resend")
    response = browser_a.post(
        "/invitation/accept",
        {"full_name": "Grace Hopper", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert DEAD in text_of(response)
    assert "Check that you used the newest email" in text_of(response)
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert browser_a.get("/invitation/accept").status_code == 404
    # The new link works, in any browser.
    new = link_in_outbox("invitation", invitation.email)
    assert create_account(Client(), new).status_code == 302
    assert User.objects.get(email=invitation.email).membership.organisation_id == (
        invitation.organisation_id
    )


def test_resending_cuts_off_a_signed_in_invitee_who_followed_the_old_link(client_lead, db):
    from attestations.services import attester_account_create

    person = attester_account_create(
        email="cso@elsewhere.example", full_name="Dr Ada", password=PASSWORD
    )
    invite(client_lead, person.email)
    invitation = Invitation.objects.get()
    browser = signed_in(person)
    browser.get(link_in_outbox("invitation", person.email))
    assert "Accept the invitation" in text_of(browser.get("/invitation/accept"))
    client_lead.post(f"/organisation/invitations/{invitation.pk}/resend")
    response = browser.post("/invitation/accept")
    assert response.status_code == 404 and DEAD in text_of(response)
    assert not Membership.objects.filter(user=person).exists()


def test_accepting_refuses_an_invitation_resent_since_it_was_read(client_lead):
    """The page reads the invitation, then the service locks it: a resend in between is caught
    under the lock."""
    from accounts.people import invitation_accept

    invite(client_lead)
    read = Invitation.objects.get()
    client_lead.post(f"/organisation/invitations/{read.pk}/resend")
    with pytest.raises(MembersRefused, match=DEAD):
        invitation_accept(
            invitation=read, user=None, full_name="Grace Hopper", password=NEW_PASSWORD
        )
    assert not User.objects.filter(email=read.email).exists()


def test_the_pages_behind_an_invitation_link_are_not_stored(client_lead):
    """Issue 22, finding 7: /invitation/accept shows the invitee's email address."""
    invite(client_lead)
    browser = Client()
    followed = browser.get(link_in_outbox("invitation", "new.colleague@northern.example"))
    assert no_store(followed)
    page = browser.get("/invitation/accept")
    assert "new.colleague@northern.example" in text_of(page)
    assert no_store(page)
    refused = browser.post("/invitation/accept", {"full_name": "", "password": "x"})
    assert refused.status_code == 400 and no_store(refused)
    assert no_store(Client().get("/invitation/not-a-token-we-ever-made"))


def test_someone_with_an_account_signs_in_and_joins(client_lead, organisation, db):
    from attestations.services import attester_account_create

    # An account with no organisation (made through an attestation link).
    person = attester_account_create(
        email="cso@elsewhere.example", full_name="Dr Ada", password=PASSWORD
    )
    invite(client_lead, person.email)
    link = link_in_outbox("invitation", person.email)
    browser = Client()
    browser.get(link)
    page = browser.get("/invitation/accept")
    assert "Sign in to join Northern Imaging Trust" in text_of(page)
    assert browser.post("/invitation/accept").status_code == 200
    assert not hasattr(User.objects.get(pk=person.pk), "membership")
    browser.force_login(person)
    assert "Accept the invitation" in text_of(browser.get("/invitation/accept"))
    response = browser.post("/invitation/accept")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.membership.organisation == organisation
    # A second click is harmless.
    assert browser.post("/invitation/accept").status_code == 302
    assert Membership.objects.filter(user=person).count() == 1


def test_a_member_of_another_organisation_cannot_join(client_lead, outsider):
    invite(client_lead, outsider.email)
    link = link_in_outbox("invitation", outsider.email)
    browser = signed_in(outsider)
    browser.get(link)
    for response in (browser.get("/invitation/accept"), browser.post("/invitation/accept")):
        assert response.status_code == 409
        assert "already has an account with another organisation" in text_of(response)
    outsider.refresh_from_db()
    assert outsider.membership.organisation.name == "Southern Scans Ltd"
    assert Invitation.objects.get().accepted_at is None


def test_signed_in_as_someone_else_the_invitation_is_not_accepted(client_lead, colleague):
    invite(client_lead)
    link = link_in_outbox("invitation", "new.colleague@northern.example")
    browser = signed_in(colleague)
    browser.get(link)
    response = browser.post("/invitation/accept")
    assert response.status_code == 409
    assert "This invitation is for someone else" in text_of(response)
    assert Invitation.objects.get().accepted_at is None


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
