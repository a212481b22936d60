from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .health import readiness


@login_not_required
@csrf_exempt
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when every dependency is ready, 503 naming those that are not
    (operations/health.py). Public, sets no cookie, never cached, not redirected to HTTPS."""
    parts = readiness()
    ready = all(parts.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {name: "ok" if ok else "unavailable" for name, ok in parts.items()},
        },
        status=200 if ready else 503,
    )
