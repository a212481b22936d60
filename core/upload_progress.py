"""Uploads sent by the progress bar (static/js/app.js) are answered without a redirect.

An XMLHttpRequest follows a redirect itself, so the page it lands on is fetched, and its one-off
success message shown and used up, inside the request that nobody sees; the page the browser then
opened had no message (found walking the lifecycle in Chromium). A request the progress bar sends
says so (``X-Upload-Progress: 1``) and its redirect is answered ``204 No Content`` with the place
to go in ``X-Upload-Location``; the browser goes there, and shows the message once."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Upload-Progress"
LOCATION = "X-Upload-Location"


class UploadProgressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get(HEADER) == "1" and response.status_code in (301, 302, 303, 307, 308):
            response[LOCATION] = response["Location"]
            del response["Location"]
            response.status_code = 204
            response.content = b""
        return response
