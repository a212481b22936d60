from functools import partial

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html

SERVICE_NAME = "Onboard to the National Imaging Registry"


def layout(request: HttpRequest) -> dict[str, object]:
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "service_name": SERVICE_NAME,
    }


def csrf(request: HttpRequest) -> dict[str, object]:
    """``csrf_token`` and ``csrf_input`` with the token masked once for the page however many
    forms show it, as Django's own template language does (its csrf context processor). They
    replace the Jinja2 backend's, which masks the token again at each use: about 500 Python
    calls each time, and a signed-in page has two forms, its own and sign-out (issue 12).
    Nothing is computed for a page that shows no form."""
    token = SimpleLazyObject(partial(get_token, request))
    return {
        "csrf_token": token,
        "csrf_input": SimpleLazyObject(
            lambda: format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
            )
        ),
    }
