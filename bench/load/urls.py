"""The service's URLs plus the two baselines of `make bench-load`: a bare "hello" and a "floor"
page. Only bench/load/settings.py uses this module."""

from django.urls import include, path

from config import urls as service_urls

from . import views

urlpatterns = [
    path("bench/hello", views.hello, name="bench_hello"),
    path("bench/floor", views.floor, name="bench_floor"),
    path("", include(service_urls)),
]

handler400 = service_urls.handler400
handler403 = service_urls.handler403
handler404 = service_urls.handler404
handler500 = service_urls.handler500
