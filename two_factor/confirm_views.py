"""The pages that ask for the person's current factor before something a stolen session must not
do alone (two_factor.current_factor): a code from the authenticator app, a recovery code for
someone who lost it, or the password for someone with no app. Each purpose's pages are thin
wrappers (replace_views.py, api.views) that say where to go next; the checks, the lockout and the
audit are the services'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.client_address import client_address
from accounts.services import SIGN_IN_LOCKOUT, SignInLocked, password_confirm

from .current_factor import Factor, Purpose, current_factor_remember
from .selectors import has_two_factor
from .services import CodeCheck, code_verify, recovery_code_use
from .views import (
    CHECK_MESSAGES,
    ENTER_RECOVERY_CODE,
    LOCKED,
    RECOVERY_CODE_WRONG,
    code_error,
    render_page,
)

if TYPE_CHECKING:
    from accounts.models import User

ENTER_PASSWORD = "Enter your password"
PASSWORD_WRONG = "Enter the correct password"
PASSWORD_LOCKED = (
    "You have entered the wrong password too many times. "
    f"Wait {SIGN_IN_LOCKOUT.seconds // 60} minutes, then try again"
)


@dataclass(frozen=True)
class Confirming:
    """One purpose's confirm pages: what they say and where they lead."""

    purpose: Purpose
    page_title: str
    intro: str
    code_url: str  # the page asking for a code (or the password, for someone with no app)
    recovery_code_url: str
    cancel_url: str
    done_url: str  # where to go once the factor is accepted
    # what the password page says, for someone with no app
    password_intro: str = ""
    # where someone the pages do not apply to goes (for replacing: no app to replace)
    not_applicable_url: str = ""
    # the page asking for one of the person's passkeys instead (ADR 0043), where offered
    passkey_url: str = ""


def _accepted(
    request: HttpRequest, user: User, confirming: Confirming, factor: Factor
) -> HttpResponse:
    current_factor_remember(request, user, purpose=confirming.purpose, factor=factor)
    return redirect(confirming.done_url)


def confirm_with_code(request: HttpRequest, confirming: Confirming) -> HttpResponse:
    """A code from the app; the password instead for someone with none (unless the purpose has
    no meaning without an app, when they go to `not_applicable_url`)."""
    user: User = request.user  # type: ignore[assignment]
    if not has_two_factor(user):
        if confirming.not_applicable_url:
            return redirect(confirming.not_applicable_url)
        return _confirm_with_password(request, user, confirming)
    context: dict[str, object] = {
        "page_title": confirming.page_title,
        "intro": confirming.intro,
        "button_text": "Continue",
        "button_classes": "",
        "other_way": {"href": confirming.recovery_code_url, "text": "Use a recovery code instead"},
        "passkey_url": confirming.passkey_url,
        "cancel_url": confirming.cancel_url,
    }
    if request.method == "GET":
        return render_page(request, "two_factor/confirm_with_code.jinja", context)
    code, error = code_error(request)
    if not error:
        check = code_verify(
            user=user, code=code, client=client_address(request), purpose=confirming.purpose
        )
        if check is CodeCheck.ACCEPTED:
            return _accepted(request, user, confirming, Factor.AUTHENTICATOR)
        if check is CodeCheck.NO_AUTHENTICATOR:
            return redirect(confirming.not_applicable_url or confirming.code_url)
        error = CHECK_MESSAGES[check]
    return render_page(request, "two_factor/confirm_with_code.jinja", context, error)


def confirm_with_recovery_code(request: HttpRequest, confirming: Confirming) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not has_two_factor(user):
        return redirect(confirming.not_applicable_url or confirming.code_url)
    context: dict[str, object] = {
        "page_title": ENTER_RECOVERY_CODE,
        "field": "recovery-code",
        "action": confirming.recovery_code_url,
        "app_code_url": confirming.code_url,
        "cancel_url": confirming.cancel_url,
    }
    if request.method == "GET":
        return render_page(request, "two_factor/sign_in_recovery_code.jinja", context)
    code = request.POST.get("recovery-code", "").strip()
    error = ENTER_RECOVERY_CODE if not code else ""
    if not error:
        check = recovery_code_use(
            user=user, code=code, client=client_address(request), purpose=confirming.purpose
        )
        if check is CodeCheck.ACCEPTED:
            return _accepted(request, user, confirming, Factor.RECOVERY_CODE)
        if check is CodeCheck.NO_AUTHENTICATOR:
            return redirect(confirming.not_applicable_url or confirming.code_url)
        error = LOCKED if check is CodeCheck.LOCKED else RECOVERY_CODE_WRONG
    return render_page(request, "two_factor/sign_in_recovery_code.jinja", context, error)


def _confirm_with_password(
    request: HttpRequest, user: User, confirming: Confirming
) -> HttpResponse:
    """Someone with no authenticator app gives their password: wrong ones count towards the
    sign-in lockout (accounts.services.password_confirm)."""
    context: dict[str, object] = {
        "page_title": confirming.page_title,
        "intro": confirming.password_intro,
        "field": "password",
        "passkey_url": confirming.passkey_url,
        "cancel_url": confirming.cancel_url,
    }
    if request.method == "GET":
        return render_page(request, "two_factor/confirm_with_password.jinja", context)
    password = request.POST.get("password", "")
    error = ENTER_PASSWORD if not password else ""
    if not error:
        try:
            accepted = password_confirm(
                request=request, user=user, password=password, purpose=confirming.purpose
            )
        except SignInLocked:
            error = PASSWORD_LOCKED
        else:
            if accepted:
                return _accepted(request, user, confirming, Factor.PASSWORD)
            error = PASSWORD_WRONG
    return render_page(request, "two_factor/confirm_with_password.jinja", context, error)
