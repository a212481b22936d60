import hmac
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from .metrics import ServiceCollector


def _authorised(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


@login_not_required
@csrf_exempt
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape (ADR 0040): with `Authorization: Bearer <METRICS_TOKEN>`. Without a
    token set it is served only outside production, and is not there (404) in production."""
    if not settings.METRICS_TOKEN:
        if settings.IS_PRODUCTION:
            raise Http404
    elif not _authorised(request):
        response = HttpResponse("Unauthorised\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)  # every gunicorn worker's request metrics, added up
    else:
        requests = REGISTRY
    service = CollectorRegistry(auto_describe=False)
    service.register(ServiceCollector())
    body = generate_latest(requests) + generate_latest(service)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
