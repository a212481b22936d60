"""Setting up a new authenticator app in place of the current one (issue 22): a code from the
current app, or a recovery code for someone who lost it, comes first, as turning two-factor off
asks for a code. Only then does the set-up page (views.set_up) show a new secret, for this
session, for REPLACE_CONFIRMED_FOR. A first app needs none of this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.client_address import client_address

from .replacing import replace_confirmed_remember
from .selectors import has_two_factor
from .services import CodeCheck, code_verify, recovery_code_use
from .views import (
    CHECK_MESSAGES,
    ENTER_RECOVERY_CODE,
    LOCKED,
    RECOVERY_CODE_WRONG,
    code_error,
    render_page,
    safe_next,
    with_next,
)

if TYPE_CHECKING:
    from accounts.models import User


def _next_url(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


def _set_up(next_url: str) -> HttpResponse:
    return redirect(with_next(reverse("two_factor:set_up"), next_url))


@never_cache
@require_http_methods(["GET", "POST"])
def replace_confirm(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = _next_url(request)
    if not has_two_factor(user):
        return _set_up(next_url)
    context: dict[str, object] = {
        "page_title": "Set up a new authenticator app",
        "intro": "Enter a code from your current authenticator app first. "
        "It will stop working when you set up the new one.",
        "button_text": "Continue",
        "button_classes": "",
        "next": next_url,
        "other_way": {
            "href": with_next(reverse("two_factor:replace_confirm_recovery_code"), next_url),
            "text": "Use a recovery code instead",
        },
    }
    if request.method == "GET":
        return render_page(request, "two_factor/confirm_with_code.jinja", context)
    code, error = code_error(request)
    if not error:
        check = code_verify(user=user, code=code, client=client_address(request), purpose="replace")
        if check is CodeCheck.ACCEPTED:
            replace_confirmed_remember(request, user)
            return _set_up(next_url)
        if check is CodeCheck.NO_AUTHENTICATOR:
            return _set_up(next_url)
        error = CHECK_MESSAGES[check]
    return render_page(request, "two_factor/confirm_with_code.jinja", context, error)


@never_cache
@require_http_methods(["GET", "POST"])
def replace_confirm_recovery_code(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = _next_url(request)
    if not has_two_factor(user):
        return _set_up(next_url)
    context: dict[str, object] = {
        "page_title": ENTER_RECOVERY_CODE,
        "field": "recovery-code",
        "action": with_next(reverse("two_factor:replace_confirm_recovery_code"), next_url),
        "app_code_url": with_next(reverse("two_factor:replace_confirm"), next_url),
        "cancel_url": reverse("two_factor:status"),
    }
    if request.method == "GET":
        return render_page(request, "two_factor/sign_in_recovery_code.jinja", context)
    code = request.POST.get("recovery-code", "").strip()
    error = ENTER_RECOVERY_CODE if not code else ""
    if not error:
        check = recovery_code_use(
            user=user, code=code, client=client_address(request), purpose="replace"
        )
        if check is CodeCheck.ACCEPTED:
            replace_confirmed_remember(request, user)
            return _set_up(next_url)
        if check is CodeCheck.NO_AUTHENTICATOR:
            return _set_up(next_url)
        error = LOCKED if check is CodeCheck.LOCKED else RECOVERY_CODE_WRONG
    return render_page(request, "two_factor/sign_in_recovery_code.jinja", context, error)
