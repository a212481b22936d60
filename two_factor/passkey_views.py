"""Passkey pages (ADR 0043): adding and removing one (each after the current factor, as
replacing the authenticator app asks), using one at the sign-in's second step, and signing in
with one alone. Views parse the form, call a service and render; the ceremonies' options and
checks are two_factor/passkeys.py's, the writes and audit two_factor/passkey_services.py's."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.client_address import client_address
from accounts.oidc_services import staff_must_use, staff_password_sign_in_refused
from accounts.services import user_sign_in

from .confirm_views import Confirming, confirm_with_code, confirm_with_recovery_code
from .current_factor import (
    Factor,
    Purpose,
    current_factor_forget,
    current_factor_given,
    current_factor_remember,
)
from .passkey_services import (
    CurrentFactorNeeded,
    passkey_add,
    passkey_authenticate,
    passkey_change_allowed,
    passkey_refusal_record,
    passkey_remove,
)
from .passkeys import (
    Ceremony,
    PasskeyRefused,
    Refusal,
    authentication_options,
    challenge_take,
    registration_options,
)
from .selectors import has_passkey, has_two_factor, passkey_ids_of, passkey_of
from .sign_in import Waiting, pending_user, sign_in_complete
from .views import safe_next, with_next

if TYPE_CHECKING:
    from accounts.models import User

NAME_MAX = 100
ENTER_NAME = "Enter a name for your passkey"
NAME_TOO_LONG = f"Name of your passkey must be {NAME_MAX} characters or fewer"
REFUSALS = {
    Refusal.NO_CREDENTIAL: "You need to turn on JavaScript in your browser to use a passkey",
    Refusal.CANCELLED: "Your passkey was not used. Try again, and follow what your browser asks",
    Refusal.UNSUPPORTED: "Your browser cannot use passkeys. Use another browser or another way "
    "to sign in",
    Refusal.EXPIRED: "The time to use your passkey ran out. Try again",
    Refusal.UNKNOWN: "That passkey is not registered with this service. Use a passkey you "
    "added to your account",
    Refusal.INVALID: "Your passkey could not be checked. Try again",
    Refusal.SIGN_COUNT: "That passkey cannot be trusted, as it may have been copied. Use "
    "another way to sign in, then remove it from your account",
    Refusal.ALREADY_REGISTERED: "That passkey is already added. Use a different passkey",
}
# What static/js/passkeys.js may say the browser answered instead of a passkey.
CLIENT_REFUSALS = {Refusal.CANCELLED, Refusal.UNSUPPORTED, Refusal.ALREADY_REGISTERED}
SIGN_IN_HOME = "applications:list"


def _posted_credential(request: HttpRequest) -> tuple[str, Refusal | None]:
    """The browser's answer, or why there is none."""
    credential = request.POST.get("credential", "").strip()
    if credential:
        return credential, None
    said = request.POST.get("passkey-error", "")
    refusal = Refusal(said) if said in {each.value for each in CLIENT_REFUSALS} else None
    return "", refusal or Refusal.NO_CREDENTIAL


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    *,
    error: str = "",
    field: str = "passkey-button",
) -> HttpResponse:
    errors = [{"text": error, "href": f"#{field}"}] if error else []
    passkey_error = error if field == "passkey-button" else ""
    return render(
        request,
        template,
        {**context, "errors": errors, "passkey_error": passkey_error},
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- the current factor


def _confirming(request: HttpRequest) -> Confirming:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    user: User = request.user  # type: ignore[assignment]
    return Confirming(
        purpose=Purpose.PASSKEYS,
        page_title="Confirm it is you",
        intro="Enter a code from your authenticator app before you add or remove a passkey.",
        password_intro="Enter your password before you add or remove a passkey.",
        code_url=with_next(reverse("two_factor:passkeys_confirm"), next_url),
        recovery_code_url=with_next(reverse("two_factor:passkeys_confirm_recovery_code"), next_url),
        cancel_url=reverse("accounts:account"),
        done_url=next_url or reverse("two_factor:passkey_add"),
        passkey_url=with_next(reverse("two_factor:passkeys_confirm_passkey"), next_url)
        if has_passkey(user)
        else "",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def passkeys_confirm(request: HttpRequest) -> HttpResponse:
    return confirm_with_code(request, _confirming(request))


@never_cache
@require_http_methods(["GET", "POST"])
def passkeys_confirm_recovery_code(request: HttpRequest) -> HttpResponse:
    return confirm_with_recovery_code(request, _confirming(request))


@never_cache
@require_http_methods(["GET", "POST"])
def passkeys_confirm_passkey(request: HttpRequest) -> HttpResponse:
    """One of the person's passkeys as the current factor for adding or removing one."""
    user: User = request.user  # type: ignore[assignment]
    confirming = _confirming(request)
    if not has_passkey(user):
        return redirect(confirming.code_url)
    error = ""
    if request.method == "POST":
        found = _authenticated(request, ceremony=Ceremony.CURRENT_FACTOR, user=user)
        if not isinstance(found, Refusal):
            current_factor_remember(request, user, purpose=Purpose.PASSKEYS, factor=Factor.PASSKEY)
            return redirect(confirming.done_url)
        error = REFUSALS[found]
    context = {
        "page_title": confirming.page_title,
        "intro": "Use one of your passkeys before you add or remove a passkey.",
        "action": confirming.passkey_url,
        "other_ways": [
            {"href": confirming.code_url, "text": "Confirm another way"},
            {"href": confirming.cancel_url, "text": "Cancel"},
        ],
        "options": authentication_options(
            request, ceremony=Ceremony.CURRENT_FACTOR, user=user, allowed=passkey_ids_of(user)
        ),
    }
    return _render(request, "two_factor/passkey_sign_in.jinja", context, error=error)


def _current_factor_at(request: HttpRequest, user: User) -> datetime | None:
    given = current_factor_given(request, user, purpose=Purpose.PASSKEYS)
    return given.at if given else None


def _confirm_first(path: str) -> HttpResponse:
    return redirect(with_next(reverse("two_factor:passkeys_confirm"), path))


# --------------------------------------------------------------------------- adding, removing


@never_cache
@require_http_methods(["GET", "POST"])
def passkey_add_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    here = reverse("two_factor:passkey_add")
    current_factor_at = _current_factor_at(request, user)
    if not passkey_change_allowed(user, current_factor_at=current_factor_at):
        return _confirm_first(here)
    name = request.POST.get("name", "").strip()
    error, field = "", "passkey-button"
    if request.method == "POST":
        credential, refusal = _posted_credential(request)
        if not name:
            error, field = ENTER_NAME, "name"
        elif len(name) > NAME_MAX:
            error, field = NAME_TOO_LONG, "name"
        else:
            try:
                challenge = challenge_take(request, Ceremony.REGISTER, user)
            except PasskeyRefused as refused:
                refusal = refusal or refused.refusal
            if refusal is not None:
                passkey_refusal_record(
                    user=user,
                    ceremony=Ceremony.REGISTER,
                    refusal=refusal,
                    client=client_address(request),
                )
            else:
                try:
                    added = _passkey_add(request, user, name, credential, challenge)
                except CurrentFactorNeeded:
                    return _confirm_first(here)
                if not isinstance(added, Refusal):
                    return redirect(reverse("accounts:account") + "#passkeys")
                refusal = added
            error = REFUSALS[refusal] if refusal else error
    context = {
        "page_title": "Add a passkey",
        "name": name,
        "name_error": error if field == "name" else "",
        "options": registration_options(request, user=user, existing=passkey_ids_of(user)),
    }
    return _render(request, "two_factor/passkey_add.jinja", context, error=error, field=field)


def _passkey_add(
    request: HttpRequest, user: User, name: str, credential: str, challenge: bytes
) -> object:
    added = passkey_add(
        user=user,
        name=name,
        credential=credential,
        challenge=challenge,
        client=client_address(request),
        current_factor_at=_current_factor_at(request, user),
    )
    if not isinstance(added, Refusal):
        current_factor_forget(request, purpose=Purpose.PASSKEYS)
        messages.success(request, f"Passkey ‘{name}’ added")
    return added


@never_cache
@require_http_methods(["GET", "POST"])
def passkey_remove_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    passkey = passkey_of(user, request.POST.get("passkey") or request.GET.get("passkey", ""))
    if passkey is None:
        return redirect(reverse("accounts:account") + "#passkeys")
    here = f"{reverse('two_factor:passkey_remove')}?passkey={passkey.pk}"
    current_factor_at = _current_factor_at(request, user)
    if not passkey_change_allowed(user, current_factor_at=current_factor_at):
        return _confirm_first(here)
    if request.method == "POST":
        try:
            passkey_remove(
                user=user,
                passkey_id=passkey.pk,
                client=client_address(request),
                current_factor_at=current_factor_at,
            )
        except CurrentFactorNeeded:
            return _confirm_first(here)
        current_factor_forget(request, purpose=Purpose.PASSKEYS)
        messages.success(request, f"Passkey ‘{passkey.name}’ removed")
        return redirect(reverse("accounts:account") + "#passkeys")
    return _render(
        request,
        "two_factor/passkey_remove.jinja",
        {"page_title": f"Remove passkey ‘{passkey.name}’", "passkey": passkey},
    )


# --------------------------------------------------------------------------- signing in


def _authenticated(
    request: HttpRequest, *, ceremony: Ceremony, user: User | None
) -> User | Refusal:
    """The person whose passkey the posted answer is, or why not (recorded)."""
    credential, refusal = _posted_credential(request)
    if refusal is None:
        try:
            challenge = challenge_take(request, ceremony, user)
        except PasskeyRefused as refused:
            refusal = refused.refusal
    if refusal is not None:
        passkey_refusal_record(
            user=user, ceremony=ceremony, refusal=refusal, client=client_address(request)
        )
        return refusal
    return passkey_authenticate(
        user=user,
        ceremony=ceremony,
        credential=credential,
        challenge=challenge,
        client=client_address(request),
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_passkey(request: HttpRequest) -> HttpResponse:
    """The sign-in's second step with a passkey instead of a code from the app."""
    if request.user.is_authenticated:
        return redirect(SIGN_IN_HOME)
    user = pending_user(request, Waiting.CODE)
    if user is None:
        return redirect("accounts:sign_in")
    error = ""
    if request.method == "POST":
        found = _authenticated(request, ceremony=Ceremony.SECOND_FACTOR, user=user)
        if not isinstance(found, Refusal):
            return redirect(sign_in_complete(request, user=found) or SIGN_IN_HOME)
        error = REFUSALS[found]
    other_ways = []
    if has_two_factor(user):
        other_ways = [
            {"href": reverse("two_factor:sign_in"), "text": "Use a code from your app instead"},
            {
                "href": reverse("two_factor:sign_in_recovery_code"),
                "text": "Use a recovery code instead",
            },
        ]
    context = {
        "page_title": "Use your passkey",
        "intro": "Use the passkey you added to this service to finish signing in.",
        "action": reverse("two_factor:sign_in_passkey"),
        "other_ways": other_ways,
        "options": authentication_options(
            request, ceremony=Ceremony.SECOND_FACTOR, user=user, allowed=passkey_ids_of(user)
        ),
    }
    return _render(request, "two_factor/passkey_sign_in.jinja", context, error=error)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def passkey_sign_in(request: HttpRequest) -> HttpResponse:
    """Signing in with a passkey alone: one that verifies the person (a PIN, fingerprint or
    face) stands for the password and the second factor together."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or SIGN_IN_HOME)
    error = ""
    if request.method == "POST":
        found = _authenticated(request, ceremony=Ceremony.SIGN_IN, user=None)
        required = staff_must_use(found) if not isinstance(found, Refusal) else None
        if required is not None:
            # A passkey stands for a password too: staff who must sign in through their
            # organisation (STAFF_SIGN_IN_PROVIDER) are refused here as at the password.
            assert not isinstance(found, Refusal)
            staff_password_sign_in_refused(request=request, user=found, provider=required)
            error = f"Reviewers and administrators must sign in with {required.label}"
        elif not isinstance(found, Refusal):
            user_sign_in(request=request, user=found)
            return redirect(next_url or SIGN_IN_HOME)
        else:
            error = REFUSALS[found]
    context = {
        "page_title": "Sign in with a passkey",
        "intro": "Use a passkey you added to this service. "
        "Your browser will ask which one, and for your fingerprint, face or screen lock.",
        "action": reverse("two_factor:passkey_sign_in"),
        "next": next_url,
        "other_ways": [
            {
                "href": with_next(reverse("accounts:sign_in"), next_url),
                "text": "Sign in with your email address and password instead",
            }
        ],
        "options": authentication_options(
            request, ceremony=Ceremony.SIGN_IN, user=None, allowed=[]
        ),
    }
    return _render(request, "two_factor/passkey_sign_in.jinja", context, error=error)
