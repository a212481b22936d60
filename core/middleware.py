"""Every form and query-string value is cleaned here, once, before any view sees it (ADR 0007).
Text read from a file is cleaned, or refused, by its importer with the same rule (core/text.py)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict

from .text import clean_text
from .uploads import install_upload_handlers


def clean_query_dict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        for value in values:
            cleaned.appendlist(clean_text(key), clean_text(value))
    cleaned._mutable = False
    return cleaned


class CleanInputMiddleware:
    """Clean the query string and the form fields of every request.

    Reading the form here means a body that cannot be read (declared in a character set other
    than UTF-8) is refused with the 400 page before anything else looks at it.

    The form is read once the URL has been resolved (in `process_view`, which runs before the
    CSRF check's), so that a view that takes files can first name the upload handlers that read
    its body (core/uploads.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = clean_query_dict(request.GET)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        if request.method == "POST":
            install_upload_handlers(request, view_func)
            request.POST = clean_query_dict(request.POST)
