"""The refusals about who a person is (ADR 0036): each says why in the reader's terms and sends
them where their own work is. An onboarding lead is never told to ask the onboarding lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from core.refusals import NextStep, Refused

from .rules import can_administer, is_applicant, is_onboarding_lead, is_reviewer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


def home_steps(user: User | AnonymousUser) -> list[NextStep]:
    """Where the reader's own work is: administration for an administrator, the review queue for
    a reviewer, their applications for an applicant, what they were asked to attest otherwise,
    and signing in for someone not signed in."""
    if not user.is_authenticated:
        return [NextStep("Sign in", reverse("accounts:sign_in"))]
    if can_administer(user):
        return [NextStep("Go to administration", reverse("accounts:admin_organisations"))]
    if is_reviewer(user):
        return [NextStep("Go to the review queue", reverse("review:queue"))]
    if is_applicant(user):
        return [NextStep("Go to your applications", reverse("applications:list"))]
    return [NextStep("Go to what you have been asked to attest", reverse("applications:list"))]


def not_a_reviewer(user: User | AnonymousUser) -> Refused:
    """An applicant on one of NHS England's pages (under /review). Raised before any record is
    looked up, so it reads the same whatever the URL names."""
    return Refused(
        "This page is for NHS England's reviewers. Your organisation's applications, and what "
        "NHS England has asked of them, are on your applications page.",
        home_steps(user),
    )


def not_an_administrator(user: User | AnonymousUser) -> Refused:
    return Refused(
        "Only NHS England administrators can use the service’s administration: organisations, "
        "staff, people, the audit log and feedback. Your account is not an administrator’s.",
        home_steps(user),
    )


def administrator_required(user: User | AnonymousUser) -> None:
    """Refuse (with not_an_administrator's page) anyone who cannot administer: the one check the
    administration's views and selectors start with."""
    if not can_administer(user):
        raise not_an_administrator(user)


def not_a_member(user: User | AnonymousUser) -> Refused:
    """Staff (or an attesting key person) on a page about the reader's own organisation."""
    steps = home_steps(user)
    if can_administer(user):
        steps = [NextStep("Go to NHS England staff", reverse("accounts:admin_staff")), *steps]
    return Refused(
        "This page is for members of an organisation that is onboarding to NIR. "
        "Your account is not a member of one.",
        steps,
    )


def not_the_lead(user: User | AnonymousUser, *, doing: str) -> Refused:
    """A member who is not the onboarding lead asked to ``doing`` (e.g. "invite people"). Only a
    member who is not a lead is told to ask the lead; staff are sent to their own work."""
    if not is_applicant(user):
        return not_a_member(user)
    assert not is_onboarding_lead(user), "an onboarding lead is never refused as one who is not"
    organisation = user.membership.organisation
    leads = [
        membership.user.full_name or membership.user.email
        for membership in organisation.memberships.filter(is_onboarding_lead=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]
    return Refused(
        f"Only an onboarding lead of {organisation.name} can {doing}.",
        [
            NextStep(f"Ask your onboarding lead ({_names(leads)}) to do this for you."),
            NextStep("Go to your organisation's members", reverse("accounts:members")),
        ],
    )


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"
