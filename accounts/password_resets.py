"""Password reset by email (ADR 0011): the same answer whether or not an account exists, the
lookup and the email in a background task, throttled per address and per client, a single-use
link that lasts PASSWORD_RESET_MINUTES and dies with any password change. Each write is
audited."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from audit.services import Auditor
from audit.throttle import audit_anonymous, audit_limit_reached
from core.tokens import LINK_DEAD, token_hash, token_new
from notifications.services import notify

from .client_address import client_address
from .models import PasswordReset, User, normalise_email, password_fingerprint
from .services import SIGN_IN_LOCKOUT

# Requests for one address, and from one client address, within PASSWORD_RESET_WINDOW (the
# sign-in lockout's window) before more are refused.
PASSWORD_RESET_EMAIL_LIMIT = 5
PASSWORD_RESET_CLIENT_LIMIT = 20
PASSWORD_RESET_WINDOW = SIGN_IN_LOCKOUT


class PasswordResetThrottled(Exception):
    """Too many reset requests recently, for this address or from this client."""


class LinkDead(Exception):
    """The link is used, expired, revoked, or no longer matches the account."""


def password_reset_request(*, request: HttpRequest, email: str) -> None:
    """Someone asks for a reset link for ``email``. The answer and the work in the request are
    the same whether or not an account exists: this records the request and enqueues a task
    that, after the commit, looks the address up and emails a link only if it has an account.

    Throttled (PasswordResetThrottled, audited) after PASSWORD_RESET_EMAIL_LIMIT requests for
    the address or PASSWORD_RESET_CLIENT_LIMIT from the client within the window, counted
    from the audit log as sign-in failures are (audit.throttle)."""
    email = normalise_email(email)
    client = client_address(request)
    attempt = {"email": email, "client": client}
    requested = "user.password_reset_request"
    if audit_limit_reached(
        action=requested,
        window=PASSWORD_RESET_WINDOW,
        limit=PASSWORD_RESET_EMAIL_LIMIT,
        email=email,
    ) or audit_limit_reached(
        action=requested,
        window=PASSWORD_RESET_WINDOW,
        limit=PASSWORD_RESET_CLIENT_LIMIT,
        client=client,
    ):
        # The refusals themselves are held to a number per client (audit.throttle).
        audit_anonymous(action="user.password_reset_refused", after=attempt, client=client)
        raise PasswordResetThrottled
    with transaction.atomic():
        Auditor(None).record(action="user.password_reset_request", obj=None, after=attempt)
        transaction.on_commit(lambda: password_reset_send_task.enqueue(email), robust=True)


@task()
def password_reset_send_task(email: str) -> bool:
    """The background task: email a link if the address has an account. Apart from the request
    that asked, so that request does the same work whether or not one exists."""
    return password_reset_issue(email=email) is not None


@transaction.atomic
def password_reset_issue(*, email: str) -> PasswordReset | None:
    """Email a single-use link that lasts PASSWORD_RESET_MINUTES to the active account with
    ``email``; None, and nothing sent, when there is none. Runs in the background task.

    The new link ends every earlier link of the account still unused, and so every browser that
    followed one (the session keeps the link's hash, ADR 0011): only the newest email works, as
    with a resent invitation. `used_at` marks a link that no longer works, used or ended so, as
    using a link already marks the account's others."""
    user = (
        User.objects.select_for_update()
        .filter(email=normalise_email(email), is_active=True)
        .first()
    )
    if user is None or not user.has_usable_password():
        return None
    superseded = PasswordReset.objects.filter(user=user, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    token = token_new()
    minutes = settings.PASSWORD_RESET_MINUTES
    reset = PasswordReset.objects.create(
        user=user,
        token_hash=token_hash(token),
        password_fingerprint=password_fingerprint(user),
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )
    Auditor(None).record(
        action="password_reset.issue",
        obj=reset,
        organisation=getattr(getattr(user, "membership", None), "organisation", None),
        after={
            "user": user.pk,
            "expires_at": reset.expires_at.isoformat(),
            "earlier_links_ended": superseded,
        },
    )
    path = reverse("accounts:password_reset_link", kwargs={"token": token})
    notify(
        template="password_reset",
        recipients=[user.email],
        personalisation={"minutes": str(minutes), "url": settings.SERVICE_URL.rstrip("/") + path},
    )
    return reset


@transaction.atomic
def password_reset_complete(*, reset: PasswordReset, password: str, request: HttpRequest) -> User:
    """Set the new password (already checked against the rules) and use the link up, with every
    other link for the account. The account's other sessions end: each carries a hash of the
    old password, which no longer matches. The person then signs in as usual, two-factor
    included. LinkDead when the link stopped working meanwhile."""
    locked = (
        PasswordReset.objects.select_for_update().filter(pk=reset.pk, used_at__isnull=True).first()
    )
    if locked is None:
        raise LinkDead(LINK_DEAD)
    user = User.objects.select_for_update().get(pk=locked.user_id)
    if (
        locked.expires_at <= timezone.now()
        or not user.is_active
        or locked.password_fingerprint != password_fingerprint(user)
    ):
        raise LinkDead(LINK_DEAD)
    user.set_password(password)
    user.save(update_fields=["password"])
    used = PasswordReset.objects.filter(user=user, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    Auditor(user).record(
        action="user.password_reset",
        obj=user,
        organisation=getattr(getattr(user, "membership", None), "organisation", None),
        after={"client": client_address(request), "links_used_up": used},
    )
    return user
