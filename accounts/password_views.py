"""Password reset pages (ADR 0011): ask for a link (the answer never says whether the address
has an account), follow it, choose a new password. Views parse input, call accounts.people and
render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.tokens import token_hash

from . import forms, password_resets, selectors
from .member_views import link_dead

# The hash of the token of the reset link this browser followed (the token leaves the address bar
# at once): the link is checked again on every request, so using it, or any password change,
# cuts off every browser that followed it.
RESET_SESSION_KEY = "password_reset_link_hash"
THROTTLED = (
    "You have asked for too many links. "
    f"Wait {password_resets.PASSWORD_RESET_WINDOW.seconds // 60} minutes, then try again"
)


@login_not_required
@never_cache  # the answer repeats the email address
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    email = ""
    errors: forms.FieldErrors = {}
    status = 200
    if request.method == "POST":
        email, errors = forms.email_parse(request.POST, missing="Enter your email address")
        status = 400 if errors else status
        if not errors:
            try:
                password_resets.password_reset_request(request=request, email=email)
            except password_resets.PasswordResetThrottled:
                errors, status = {"email": THROTTLED}, 429
            else:
                return render(
                    request,
                    "accounts/password_reset_sent.jinja",
                    {
                        "page_title": "Check your email",
                        "email": email,
                        "minutes": settings.PASSWORD_RESET_MINUTES,
                    },
                )
    return render(
        request,
        "accounts/password_reset.jinja",
        {
            "page_title": "Reset your password",
            "back_url": "/sign-in",
            "email": email,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def password_reset_link(request: HttpRequest, token: str) -> HttpResponse:
    reset = selectors.password_reset_by_token(token)
    if reset is None:
        return link_dead(request)
    request.session[RESET_SESSION_KEY] = token_hash(token)
    return redirect("accounts:password_reset_new")


@login_not_required
@never_cache  # it shows the account's email address
@require_http_methods(["GET", "POST"])
def password_reset_new(request: HttpRequest) -> HttpResponse:
    reset = selectors.password_reset_followed(request.session.get(RESET_SESSION_KEY))
    if reset is None:
        return link_dead(request)
    errors: forms.FieldErrors = {}
    if request.method == "POST":
        password, errors = forms.password_parse(request.POST, user=reset.user)
        if not errors:
            try:
                password_resets.password_reset_complete(
                    reset=reset, password=password, request=request
                )
            except password_resets.LinkDead:
                return link_dead(request)
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(
                request, "Your password has been changed. Sign in with your new password"
            )
            return redirect("accounts:sign_in")
    return render(
        request,
        "accounts/password_reset_new.jinja",
        {
            "page_title": "Choose a new password",
            "email": reset.user.email,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )
