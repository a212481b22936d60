from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from . import views
from .endpoints import api

# ninja's own views (its root, a 404 naming the docs, and the description and its docs) answer
# every method: like every page of the service, they refuse the methods they do not serve.
GET_ONLY = {"api-root", "openapi-json", "openapi-view"}


def _open_to_tokens(patterns: list[Any]) -> list[Any]:
    """The API answers 401 itself: the sign-in redirect of the pages is not for it."""
    kept = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
            if pattern.name in GET_ONLY:
                pattern.callback = require_GET(pattern.callback)
        kept.append(pattern)
    return kept


_patterns, _app_name, _namespace = api.urls

app_name = "tokens"
urlpatterns = [
    path("account/api-tokens", views.tokens, name="tokens"),
    path("account/api-tokens/confirm", views.token_confirm, name="confirm"),
    path(
        "account/api-tokens/confirm/recovery-code",
        views.token_confirm_recovery_code,
        name="confirm_recovery_code",
    ),
    path("account/api-tokens/<int:token_id>/revoke", views.token_revoke, name="token_revoke"),
]
api_urls = (_open_to_tokens(list(_patterns)), _app_name, _namespace)
