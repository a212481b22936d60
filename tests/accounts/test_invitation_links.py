"""Invitation links (ADR 0011): single-use, expiring, only their hash stored; a resend, a use, a
revocation or an expiry ends the link and every browser that followed it (issue 22); an
existing account signs in to join, and only into its own organisation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from accounts.people import MembersRefused
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.web.conftest import signed_in

from .support import (
    DEAD,
    NEW_PASSWORD,
    SERVICE_URL,
    create_account,
    invite,
    link_in_outbox,
    text_of,
)


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = SERVICE_URL


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
