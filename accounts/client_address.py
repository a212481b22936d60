"""Who sent a request: the one place that decides which address to believe."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent this request.

    Without a proxy (DJANGO_BEHIND_PROXY off) that is REMOTE_ADDR, and X-Forwarded-For is
    ignored: any client can send one. Behind DJANGO_PROXY_COUNT trusted proxies, each appends the
    address it received the request from, so the client is the PROXY_COUNT-th entry from the
    right; entries further left were written by the client itself and are never believed."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not settings.BEHIND_PROXY:
        return remote
    hops = [
        hop.strip()
        for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if hop.strip()
    ]
    count = max(settings.PROXY_COUNT, 1)
    if len(hops) < count:
        # Fewer hops than proxies: the request did not come through all of them as configured,
        # so nothing in the header can be trusted.
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
