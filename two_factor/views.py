"""Two-factor pages: the sign-in's second step, setting up an authenticator app, recovery codes,
and the person's own two-factor page (replacing an app: replace_views.py). Views parse input, call
a service and render; nothing here is cached by the browser (the set-up page shows a secret)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_address import client_address

from .current_factor import Purpose, current_factor_forget, current_factor_given
from .recovery_codes import COUNT
from .rules import may_turn_off, two_factor_required
from .selectors import confirmed_authenticator, has_passkey, has_two_factor, two_factor_status
from .services import (
    SECOND_FACTOR_LOCKOUT,
    CodeCheck,
    NewRecoveryCodes,
    authenticator_enrol,
    authenticator_turn_off,
    code_verify,
    recovery_code_use,
    recovery_codes_regenerate,
    replacement_confirmed,
)
from .sign_in import PENDING_KEY, Waiting, pending_next, pending_user, sign_in_complete
from .totp import (
    CODE_PATTERN,
    code_normalise,
    provisioning_uri,
    qr_code_svg,
    secret_for_reading,
    secret_new,
)

if TYPE_CHECKING:
    from accounts.models import User

ENTER_CODE = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "The code must be 6 numbers"
CODE_WRONG = "Enter the correct code from your authenticator app"
CODE_REUSED = "Enter a new code from your authenticator app. Each code can only be used once"
ENTER_RECOVERY_CODE = "Enter a recovery code"
RECOVERY_CODE_WRONG = "Enter a correct recovery code. Each recovery code can only be used once"
LOCKED = (
    "You have entered the wrong code too many times. "
    f"Wait {SECOND_FACTOR_LOCKOUT.seconds // 60} minutes, then try again"
)
NEW_SECRET_KEY = "two_factor_new_secret"
NEW_CODES_KEY = "two_factor_new_recovery_codes"


def safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def with_next(path: str, next_url: str) -> str:
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def code_error(request: HttpRequest) -> tuple[str, str]:
    """The code typed, normalised, and what is wrong with its form ("" when nothing)."""
    code = code_normalise(request.POST.get("code", ""))
    if not code:
        return code, ENTER_CODE
    if not CODE_PATTERN.match(code):
        return code, CODE_FORMAT
    return code, ""


CHECK_MESSAGES = {
    CodeCheck.WRONG: CODE_WRONG,
    CodeCheck.REUSED: CODE_REUSED,
    CodeCheck.LOCKED: LOCKED,
}


def render_page(
    request: HttpRequest, template: str, context: dict[str, object], error: str = ""
) -> HttpResponse:
    field = str(context.get("field", "code"))
    errors = [{"text": error, "href": f"#{field}"}] if error else []
    return render(
        request,
        template,
        {**context, "errors": errors, "error": error},
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- the second step


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("applications:list")
    user = pending_user(request, Waiting.CODE)
    if user is None:
        return redirect("accounts:sign_in")
    context: dict[str, object] = {"page_title": ENTER_CODE, "has_passkey": has_passkey(user)}
    if request.method == "GET":
        return render_page(request, "two_factor/sign_in_code.jinja", context)
    code, error = code_error(request)
    if not error:
        check = code_verify(user=user, code=code, client=client_address(request), purpose="sign_in")
        if check is CodeCheck.ACCEPTED:
            return redirect(sign_in_complete(request, user=user) or "applications:list")
        if check is CodeCheck.NO_AUTHENTICATOR:
            return redirect("accounts:sign_in")
        error = CHECK_MESSAGES[check]
    return render_page(request, "two_factor/sign_in_code.jinja", context, error)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_recovery_code(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("applications:list")
    user = pending_user(request, Waiting.CODE)
    if user is None:
        return redirect("accounts:sign_in")
    context: dict[str, object] = {"page_title": ENTER_RECOVERY_CODE, "field": "recovery-code"}
    if request.method == "GET":
        return render_page(request, "two_factor/sign_in_recovery_code.jinja", context)
    code = request.POST.get("recovery-code", "").strip()
    error = ENTER_RECOVERY_CODE if not code else ""
    if not error:
        check = recovery_code_use(user=user, code=code, client=client_address(request))
        if check is CodeCheck.ACCEPTED:
            next_url = sign_in_complete(request, user=user)
            left = two_factor_status(user).recovery_codes_left
            messages.success(
                request,
                f"You signed in with a recovery code. You have {left} recovery "
                f"code{'' if left == 1 else 's'} left. You can get new ones on your "
                "two-factor authentication page.",
            )
            return redirect(next_url or "applications:list")
        if check is CodeCheck.NO_AUTHENTICATOR:
            return redirect("accounts:sign_in")
        error = LOCKED if check is CodeCheck.LOCKED else RECOVERY_CODE_WRONG
    return render_page(request, "two_factor/sign_in_recovery_code.jinja", context, error)


# --------------------------------------------------------------------------- setting up


def _setting_up_user(request: HttpRequest) -> tuple[User | None, bool]:
    """Who is setting up: the signed-in user, or someone pending a required set-up."""
    if request.user.is_authenticated:
        return request.user, False  # type: ignore[return-value]
    return pending_user(request, Waiting.SET_UP), True


def _kept_secret(request: HttpRequest, user: User) -> str:
    kept = request.session.get(NEW_SECRET_KEY)
    if isinstance(kept, dict) and kept.get("user") == user.pk and kept.get("secret"):
        return str(kept["secret"])
    return ""


def _new_secret(request: HttpRequest, user: User) -> str:
    """The secret being set up, kept in the session until it is confirmed, so the page shows the
    same QR code after an error and nothing is stored for an app nobody set up."""
    kept = _kept_secret(request, user)
    if kept:
        return kept
    secret = secret_new()
    request.session[NEW_SECRET_KEY] = {"user": user.pk, "secret": secret}
    return secret


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    user, pending = _setting_up_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next") or pending_next(request)
    )
    authenticator = confirmed_authenticator(user)
    if authenticator is not None and pending:
        # Held to set up a first app, but one was set up meanwhile (in another browser): a code
        # from that one is what signs in now.
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:sign_in")
    given = current_factor_given(request, user, purpose=Purpose.REPLACE)
    current_factor_at = given.at if given else None
    may_replace = replacement_confirmed(authenticator, current_factor_at=current_factor_at)
    replace_confirm = with_next(reverse("two_factor:replace_confirm"), next_url)
    if request.method == "POST" and not may_replace and request.session.get(NEW_CODES_KEY):
        # Continue pressed again after the first press had set the app up: its recovery codes,
        # not yet shown, are what this person is waiting for, not a replacement.
        return redirect(with_next(reverse("two_factor:recovery_codes"), next_url))
    if not may_replace and (request.method == "GET" or not _kept_secret(request, user)):
        # A new secret is not even shown until the current app or a recovery code is given. A
        # POST with a secret kept goes on to the service, which finds a double submit of the
        # app just set up (changing nothing) or refuses.
        return redirect(replace_confirm)
    secret = _new_secret(request, user)
    required = two_factor_required(user)
    context: dict[str, object] = {
        "page_title": "Set up two-factor authentication",
        "qr_code": qr_code_svg(
            provisioning_uri(secret, email=user.email),
            label="QR code to scan with your authenticator app",
        ),
        "secret": secret_for_reading(secret),
        "replacing": authenticator is not None,
        "required": required,
        "pending": pending,
        "next": next_url,
        "later_url": None if required else (next_url or "/"),
    }
    if request.method == "GET":
        return render_page(request, "two_factor/set_up.jinja", context)
    code, error = code_error(request)
    if not error:
        result = authenticator_enrol(
            user=user,
            secret=secret,
            code=code,
            client=client_address(request),
            current_factor_at=current_factor_at,
        )
        if result is CodeCheck.CURRENT_FACTOR_NEEDED:
            return redirect(replace_confirm)
        if isinstance(result, NewRecoveryCodes) or result is CodeCheck.REUSED:
            request.session.pop(NEW_SECRET_KEY, None)
            current_factor_forget(request, purpose=Purpose.REPLACE)
            if isinstance(result, NewRecoveryCodes):
                request.session[NEW_CODES_KEY] = result.codes
            if pending:
                next_url = sign_in_complete(request, user=user) or next_url
            return redirect(with_next(reverse("two_factor:recovery_codes"), next_url))
        error = CODE_WRONG
    if not may_replace:
        return redirect(replace_confirm)
    return render_page(request, "two_factor/set_up.jinja", context, error)


@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: they leave the session as the page is shown."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not isinstance(codes, list) or not codes:
        return redirect("two_factor:status")
    next_url = safe_next(request, request.GET.get("next", ""))
    return render(
        request,
        "two_factor/recovery_codes.jinja",
        {
            "page_title": "Save your recovery codes",
            "codes": codes,
            "count": COUNT,
            "continue_url": next_url or "/",
        },
    )


# --------------------------------------------------------------------------- your two-factor page


@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "two_factor/status.jinja",
        {
            "page_title": "Two-factor authentication",
            "status": two_factor_status(request.user),  # type: ignore[arg-type]
            "count": COUNT,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not has_two_factor(user):
        return redirect("two_factor:status")
    context: dict[str, object] = {
        "page_title": "Get new recovery codes",
        "intro": "Your old recovery codes will stop working.",
        "button_text": "Get new recovery codes",
        "button_classes": "",
    }
    if request.method == "GET":
        return render_page(request, "two_factor/confirm_with_code.jinja", context)
    code, error = code_error(request)
    if not error:
        result = recovery_codes_regenerate(user=user, code=code, client=client_address(request))
        if isinstance(result, NewRecoveryCodes):
            request.session[NEW_CODES_KEY] = result.codes
            return redirect("two_factor:recovery_codes")
        if result is CodeCheck.NO_AUTHENTICATOR:
            return redirect("two_factor:status")
        error = CHECK_MESSAGES[result]
    return render_page(request, "two_factor/confirm_with_code.jinja", context, error)


@never_cache
@require_http_methods(["GET", "POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may_turn_off(user):
        raise Http404
    if not has_two_factor(user):
        return redirect("two_factor:status")
    context: dict[str, object] = {
        "page_title": "Turn off two-factor authentication",
        "intro": "You will sign in with your email address and password only. "
        "Your recovery codes will stop working.",
        "button_text": "Turn off two-factor authentication",
        "button_classes": "nhsuk-button--warning",
    }
    if request.method == "GET":
        return render_page(request, "two_factor/confirm_with_code.jinja", context)
    code, error = code_error(request)
    if not error:
        check = authenticator_turn_off(user=user, code=code, client=client_address(request))
        if check in (CodeCheck.ACCEPTED, CodeCheck.NO_AUTHENTICATOR):
            messages.success(request, "Two-factor authentication is off")
            return redirect("two_factor:status")
        error = CHECK_MESSAGES[check]
    return render_page(request, "two_factor/confirm_with_code.jinja", context, error)
