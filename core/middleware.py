"""Every text the service accepts is cleaned here, once, before any view sees it (ADR 0007)."""

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict

from .uploads import install_upload_handlers

# C0 and C1 control characters and DEL, except tab, line feed and carriage return: invisible
# copy-and-paste debris that nobody means to type. PostgreSQL refuses NUL in text and in JSON.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Text as the service keeps it: no control characters but tab and line feed, and every line
    break (CRLF from browsers, or a lone CR) a line feed."""
    return _CONTROL_CHARACTERS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


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
