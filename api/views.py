"""The account page's API tokens: create one (its secret shown once) and revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services

NAME_MAX = 100


def _parse(post: dict[str, str]) -> tuple[str, int | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = post.get("name", "").strip()
    if not name:
        errors["name"] = "Enter a name for the token"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX} characters or less"
    try:
        days: int | None = int(post.get("days", ""))
    except ValueError:
        days = None
    if days not in services.DURATIONS:
        errors["days"] = "Select how long the token lasts"
        days = None
    return name, days, errors


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    name, days, errors, secret = "", None, {}, ""
    if request.method == "POST":
        name, days, errors = _parse(request.POST)  # type: ignore[arg-type]
        if not errors and days is not None:
            created = services.token_create(user=request.user, name=name, days=days)  # type: ignore[arg-type]
            # Shown on this response only: only its hash is kept.
            secret = created.secret
            name = ""
    return render(
        request,
        "api/tokens.jinja",
        {
            "page_title": "API tokens",
            "tokens": list(selectors.tokens_of(request.user)),  # type: ignore[arg-type]
            "durations": services.DURATIONS,
            "name": name,
            "days": days,
            "field_errors": errors,
            "errors": [{"text": text, "href": f"#{field}"} for field, text in errors.items()],
            "secret": secret,
        },
        status=400 if errors else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get_for_owner(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    services.token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"Token {token.name} revoked")
    return redirect("tokens:tokens")
