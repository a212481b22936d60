from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse

from .rules import can_keep_certificates, can_see_every_certificate


def navigation(request: HttpRequest) -> dict[str, Callable[[], list[dict[str, object]]]]:
    """The header's navigation: NHS England staff get the queue and the certificate register,
    a supplier's members their applications and their certificates. A function, so that a page
    that shows no header asks nothing."""
    user = getattr(request, "user", None)

    def items() -> list[dict[str, object]]:
        if user is None or not user.is_authenticated:
            return []
        if can_see_every_certificate(user):
            links = [
                ("Applications to review", reverse("review:queue")),
                ("Certificates", reverse("certificates:register")),
            ]
        elif can_keep_certificates(user):
            links = [
                ("Your applications", reverse("applications:list")),
                ("Certificates", reverse("certificates:list")),
            ]
        else:
            return []
        return [
            {"text": text, "href": href, "current": request.path == href} for text, href in links
        ]

    return {"navigation_items": items}
