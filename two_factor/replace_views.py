"""Setting up a new authenticator app in place of the current one (issue 22): a code from the
current app, or a recovery code for someone who lost it, comes first, as turning two-factor off
asks for a code. Only then does the set-up page (views.set_up) show a new secret, for this
session, for CURRENT_FACTOR_FOR. A first app needs none of this (the pages send there)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .confirm_views import Confirming, confirm_with_code, confirm_with_recovery_code
from .current_factor import Purpose
from .views import safe_next, with_next


def _confirming(request: HttpRequest) -> Confirming:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    return Confirming(
        purpose=Purpose.REPLACE,
        page_title="Set up a new authenticator app",
        intro="Enter a code from your current authenticator app first. "
        "It will stop working when you set up the new one.",
        code_url=with_next(reverse("two_factor:replace_confirm"), next_url),
        recovery_code_url=with_next(reverse("two_factor:replace_confirm_recovery_code"), next_url),
        cancel_url=reverse("two_factor:status"),
        done_url=with_next(reverse("two_factor:set_up"), next_url),
        not_applicable_url=with_next(reverse("two_factor:set_up"), next_url),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def replace_confirm(request: HttpRequest) -> HttpResponse:
    return confirm_with_code(request, _confirming(request))


@never_cache
@require_http_methods(["GET", "POST"])
def replace_confirm_recovery_code(request: HttpRequest) -> HttpResponse:
    return confirm_with_recovery_code(request, _confirming(request))
