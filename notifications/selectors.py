"""Who to tell: the email addresses notifications go to."""

from __future__ import annotations

from accounts.models import Organisation, User, UserKind


def member_emails(organisation: Organisation) -> list[str]:
    """The active members of `organisation`, in a stable order."""
    return list(
        User.objects.filter(membership__organisation=organisation, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def reviewer_emails(reviewer: User | None = None) -> list[str]:
    """The assigned reviewer when there is one, else every active reviewer.

    An assigned reviewer who has since left (inactive) falls back to every active reviewer, so a
    submission is never announced to nobody.
    """
    reviewers = User.objects.filter(kind=UserKind.REVIEWER, is_active=True).order_by("email")
    if reviewer is not None and reviewers.filter(pk=reviewer.pk).exists():
        reviewers = reviewers.filter(pk=reviewer.pk)
    return list(reviewers.values_list("email", flat=True))
