"""The account page's API tokens: create one (its secret shown once) and revoke one.

Creating one asks for the current factor first (issue 22, two_factor.confirm_views): a code from
the authenticator app or a recovery code, or the password for someone with no app. The form is
shown only once it was given in this session; one check makes one token. Revoking needs nothing
more: it only takes access away."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from two_factor.confirm_views import Confirming, confirm_with_code, confirm_with_recovery_code
from two_factor.current_factor import Purpose, current_factor_forget, current_factor_given

from . import selectors, services

if TYPE_CHECKING:
    from accounts.models import User

NAME_MAX = 100


def _parse(post: dict[str, str]) -> tuple[str, int | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = post.get("name", "").strip()
    if not name:
        errors["name"] = "Enter a name for the token"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX:,} characters or fewer"
    try:
        days: int | None = int(post.get("days", ""))
    except ValueError:
        days = None
    if days not in services.DURATIONS:
        errors["days"] = "Select how long the token lasts"
        days = None
    return name, days, errors


@never_cache  # the answer to creating one shows the secret
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    given = current_factor_given(request, user, purpose=Purpose.API_TOKEN)
    may_create = services.token_create_allowed(user=user, current_factor=given)
    name, days, errors, secret = "", None, {}, ""
    if request.method == "POST":
        if not may_create:
            return redirect("tokens:confirm")
        name, days, errors = _parse(request.POST)  # type: ignore[arg-type]
        if not errors and days is not None:
            try:
                created = services.token_create(
                    user=user, name=name, days=days, current_factor=given
                )
            except services.CurrentFactorNeeded:
                return redirect("tokens:confirm")
            current_factor_forget(request, purpose=Purpose.API_TOKEN)
            may_create = False
            # Shown on this response only: only its hash is kept.
            secret = created.secret
            name = ""
    return render(
        request,
        "api/tokens.jinja",
        {
            "page_title": "API tokens",
            "tokens": list(selectors.tokens_of(user)),
            "durations": services.DURATIONS,
            "may_create": may_create,
            "name": name,
            "days": days,
            "field_errors": errors,
            "errors": [{"text": text, "href": f"#{field}"} for field, text in errors.items()],
            "secret": secret,
        },
        status=400 if errors else 200,
    )


def _confirming() -> Confirming:
    return Confirming(
        purpose=Purpose.API_TOKEN,
        page_title="Create an API token",
        intro="Enter a code from your authenticator app first. "
        "A token lets a program act as you, so we check it is you.",
        password_intro="Enter your password first. "
        "A token lets a program act as you, so we check it is you.",
        code_url=reverse("tokens:confirm"),
        recovery_code_url=reverse("tokens:confirm_recovery_code"),
        cancel_url=reverse("tokens:tokens"),
        done_url=reverse("tokens:tokens"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def token_confirm(request: HttpRequest) -> HttpResponse:
    return confirm_with_code(request, _confirming())


@never_cache
@require_http_methods(["GET", "POST"])
def token_confirm_recovery_code(request: HttpRequest) -> HttpResponse:
    return confirm_with_recovery_code(request, _confirming())


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get_for_owner(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    services.token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"Token {token.name} revoked")
    return redirect("tokens:tokens")
