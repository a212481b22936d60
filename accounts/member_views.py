"""The organisation's members page (everyone in it sees the list; its onboarding leads invite,
resend, revoke, remove and hand over the lead role), and the invitation link's pages. Views
parse input, call accounts.services and render."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.tokens import LINK_DEAD, token_hash
from two_factor.sign_in import sign_in_continue

from . import forms, refusals, selectors
from . import people as services
from .models import Invitation
from .oidc_services import staff_must_use
from .rules import is_onboarding_lead

# The hash of the token of the invitation link this browser followed: what lets it accept (the
# token itself leaves the address bar at once). The hash, not the invitation's id, so that a
# resend (a new token) cuts off every browser that followed an earlier link.
INVITATION_SESSION_KEY = "invitation_link_hash"


@require_GET
def members(request: HttpRequest) -> HttpResponse:
    organisation, people, invitations = selectors.members_for_user(request.user)
    return render(
        request,
        "accounts/members.jinja",
        {
            "page_title": "Members",
            "organisation": organisation,
            "members": people,
            "invitations": invitations,
            "is_lead": is_onboarding_lead(request.user),
            "full_width": True,
        },
    )


def _members_url() -> str:
    return reverse("accounts:members")


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    organisation, _, _ = selectors.members_for_user(request.user)
    if not is_onboarding_lead(request.user):
        raise refusals.not_the_lead(request.user, doing="invite people")
    email = ""
    errors: forms.FieldErrors = {}
    if request.method == "POST":
        email, errors = forms.email_parse(request.POST)
        if not errors:
            try:
                services.invitation_create(
                    email=email, organisation=organisation, actor=request.user
                )
            except services.MembersRefused as refused:
                errors = {"email": str(refused)}
            else:
                messages.success(request, f"We have emailed an invitation to {email}")
                return redirect("accounts:members")
    return render(
        request,
        "accounts/invite.jinja",
        {
            "page_title": "Invite a colleague",
            "invitation_days": settings.INVITATION_DAYS,
            "back_url": _members_url(),
            "organisation": organisation,
            "email": email,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


@require_POST
def invitation_resend(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = selectors.invitation_for_lead(user=request.user, invitation_id=invitation_id)
    if services.invitation_resend(invitation=invitation, actor=request.user) is not None:
        messages.success(request, f"We have sent the invitation to {invitation.email} again")
    return redirect("accounts:members")


@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = selectors.invitation_for_lead(user=request.user, invitation_id=invitation_id)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} has been revoked")
    return redirect("accounts:members")


@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_lead(user=request.user, membership_id=membership_id)
    error = ""
    if request.method == "POST":
        try:
            services.member_remove(membership=membership, actor=request.user)
        except services.MembersRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"{_name(membership)} has been removed")
            if membership.user_id == request.user.pk:
                return redirect("applications:list")
            return redirect("accounts:members")
    return render(
        request,
        "accounts/member_remove.jinja",
        {
            "page_title": f"Are you sure you want to remove {_name(membership)}?",
            "back_url": _members_url(),
            "membership": membership,
            "is_self": membership.user_id == request.user.pk,
            "errors": [{"text": error, "href": "#remove"}] if error else [],
        },
        status=409 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def lead_hand_over(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_lead(user=request.user, membership_id=membership_id)
    error = ""
    if request.method == "POST":
        try:
            services.lead_hand_over(membership=membership, actor=request.user)
        except services.MembersRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"{_name(membership)} is now the onboarding lead")
            return redirect("accounts:members")
    return render(
        request,
        "accounts/lead_hand_over.jinja",
        {
            "page_title": f"Hand over the lead role to {_name(membership)}?",
            "back_url": _members_url(),
            "membership": membership,
            "errors": [{"text": error, "href": "#hand-over"}] if error else [],
        },
        status=409 if error else 200,
    )


def _name(membership: object) -> str:
    user = membership.user  # type: ignore[attr-defined]
    return user.full_name or user.email


def link_dead(request: HttpRequest) -> HttpResponse:
    """One page for every link that does not work (used, revoked, expired, unknown, resent),
    with one status: nothing tells them apart."""
    return render(request, "accounts/link_dead.jinja", {"page_title": LINK_DEAD}, status=404)


@login_not_required
@never_cache
@require_GET
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """Where the emailed link lands: the token leaves the address bar at once."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return link_dead(request)
    request.session[INVITATION_SESSION_KEY] = token_hash(token)
    return redirect("accounts:invitation_accept")


def _joining(invitation: Invitation) -> str:
    if invitation.organisation is not None:
        return invitation.organisation.name
    return services.STAFF_JOINING[invitation.kind]


@login_not_required
@never_cache  # it shows the invitee's email address
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """Accept the invitation whose link this browser followed: create an account, or sign in
    to the one with its email address and join. Refused as a dead link once the invitation was
    resent, revoked, used or expired since."""
    followed = request.session.get(INVITATION_SESSION_KEY)
    invitation = selectors.invitation_followed(followed)
    if invitation is None:
        if (
            request.user.is_authenticated
            and isinstance(followed, str)
            and Invitation.objects.filter(token_hash=followed, accepted_by=request.user).exists()
        ):
            return redirect("applications:list")  # accepted already: a double submit
        return link_dead(request)
    account = selectors.account_for_email(invitation.email)
    joining = _joining(invitation)
    context: dict[str, object] = {"invitation": invitation, "joining": joining}
    refusal = services.invitation_refusal(invitation, account)
    if refusal is not None:
        return render(
            request,
            "accounts/invitation_refused.jinja",
            {**context, "page_title": "You cannot accept this invitation", "reason": refusal},
            status=409,
        )
    if request.user.is_authenticated and request.user.email != invitation.email:
        return render(
            request,
            "accounts/invitation_other_account.jinja",
            {**context, "page_title": "This invitation is for someone else"},
            status=409,
        )
    # A removed (deactivated) account cannot sign in: its person chooses a new password here.
    reopening = account is not None and not account.is_active
    errors: forms.FieldErrors = {}
    full_name = account.full_name if reopening and account is not None else ""
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(invitation=invitation, user=request.user)
                messages.success(request, f"You have joined {joining}")
                return redirect("applications:list")
            if account is None or reopening:
                full_name, password, errors = forms.account_parse(request.POST, invitation.email)
                if not errors:
                    user = services.invitation_accept(
                        invitation=invitation, user=None, full_name=full_name, password=password
                    )
                    required = staff_must_use(user)
                    if required is not None:
                        # Staff who must sign in through their organisation are not signed
                        # in by the password they have just chosen (STAFF_SIGN_IN_PROVIDER).
                        messages.success(
                            request, f"Your account is ready. Sign in with {required.label}"
                        )
                        return redirect("accounts:sign_in")
                    # Signed in as the password step would: two-factor asks them to set it up
                    # (staff must before their session starts).
                    return sign_in_continue(
                        request, user=user, next_url=reverse("applications:list")
                    )
        except services.MembersRefused:
            return link_dead(request)
    if request.user.is_authenticated:
        template, title = "accounts/invitation_join.jinja", f"Join {joining}"
    elif reopening:
        template, title = "accounts/invitation_account.jinja", "Choose a new password"
    elif account is not None:
        template, title = "accounts/invitation_sign_in.jinja", f"Sign in to join {joining}"
        context["sign_in_url"] = (
            reverse("accounts:sign_in")
            + "?"
            + urlencode({"next": reverse("accounts:invitation_accept")})
        )
    else:
        template, title = "accounts/invitation_account.jinja", "Create your account"
    return render(
        request,
        template,
        {
            **context,
            "page_title": title,
            "email": invitation.email,
            "full_name": full_name,
            "reopening": reopening,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )
