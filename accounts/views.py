from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from two_factor.selectors import passkeys_of
from two_factor.sign_in import sign_in_continue

from . import selectors
from .device_cookies import device_cookie_issue
from .middleware import REFRESHED_KEY
from .oidc import configured_providers, end_session_url, provider_configured
from .oidc_services import SESSION_KEY, staff_must_use, staff_password_sign_in_refused
from .services import SIGN_IN_LOCKOUT, SignInLocked, sign_in_attempt, user_sign_out

SIGN_IN_FAILED = "Enter the correct email address and password"
SIGN_IN_LOCKED = (
    "You have entered the wrong email address or password too many times. "
    f"Wait {SIGN_IN_LOCKOUT.seconds // 60} minutes, then try again"
)


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "applications:list")

    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    email = request.POST.get("email", "").strip()
    if request.method == "POST":
        password = request.POST.get("password", "")
        if not email:
            field_errors["email"] = "Enter your email address"
        if not password:
            field_errors["password"] = "Enter your password"
        if not field_errors:
            try:
                user = sign_in_attempt(request=request, email=email, password=password)
            except SignInLocked:
                field_errors["email"] = SIGN_IN_LOCKED
            else:
                required = staff_must_use(user) if user is not None else None
                if user is not None and required is not None:
                    # The password is right, but staff sign in through their organisation.
                    staff_password_sign_in_refused(request=request, user=user, provider=required)
                    field_errors["email"] = (
                        f"Reviewers and administrators must sign in with {required.label}"
                    )
                elif user is not None:
                    # The password is right; the second step (two_factor/sign_in.py) starts
                    # the session, or holds it until a code from the app is entered.
                    response = sign_in_continue(request, user=user, next_url=next_url)
                    device_cookie_issue(response, email=user.email)
                    return response
                else:
                    field_errors["email"] = SIGN_IN_FAILED
        errors = [{"text": text, "href": f"#{field}"} for field, text in field_errors.items()]

    return render(
        request,
        "accounts/sign_in.jinja",
        {
            "page_title": "Sign in",
            "errors": errors,
            "field_errors": field_errors,
            "email": email,
            "next": next_url,
            "providers": configured_providers(),
        },
        status=400 if errors else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the session here; after a sign-in through a provider that offers an end-session
    endpoint, the person is sent there too, and it sends them back to the signed-out page."""
    through = request.session.get(SESSION_KEY)
    user_sign_out(request=request)
    provider = provider_configured(str(through.get("provider"))) if through else None
    if provider is not None and isinstance(through, dict):
        url = end_session_url(
            provider=provider,
            id_token=str(through.get("id_token") or ""),
            post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:signed_out")),
        )
        if url:
            return redirect(url)
    return redirect("accounts:signed_out")


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """Where signing out lands: it says so, and how to sign in again (issue 25). Someone still
    signed in (another tab signed in again) is told that instead of being shown a false page."""
    still_signed_in = request.user.is_authenticated
    return render(
        request,
        "accounts/signed_out.jinja",
        {
            "page_title": "You are signed in" if still_signed_in else "You have signed out",
            "still_signed_in": still_signed_in,
        },
    )


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": moves the session's idle expiry on now, however recently it last
    moved. Signed out, LoginRequiredMiddleware redirects it to sign-in."""
    # Always move the expiry on, and the idle clock with it, however recently they last moved:
    # the page counts its idle limit again from now.
    request.session[REFRESHED_KEY] = int(timezone.now().timestamp())
    request.session.modified = True
    return HttpResponse(status=204)


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Your account: who you are signed in as, and where to manage two-factor sign-in and API
    tokens (the header's email address links here), and their passkeys (ADR 0043)."""
    return render(
        request,
        "accounts/account.jinja",
        {
            "page_title": "Your account",
            "organisation": selectors.organisation_for_user(request.user),
            "passkeys": passkeys_of(request.user),  # type: ignore[arg-type]
        },
    )
