from django.urls import include, path

from api.urls import api_urls
from core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("operations.urls")),
    path("", include("accounts.urls")),
    path("", include("applications.urls")),
    path("", include("questionnaire.urls")),
    path("", include("review.urls")),
    path("", include("evidence.urls")),
    path("", include("two_factor.urls")),
    path("", include("attestations.urls")),
    path("", include("certificates.urls")),
    path("", include("nhs_numbers.urls")),
    path("", include("hazards.urls")),
    path("", include("api.urls")),
    path("", include("service_pages.urls")),
    path("api/v1/", api_urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
