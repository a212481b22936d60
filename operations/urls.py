from django.urls import path

from . import metrics_view, views

urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view.metrics, name="metrics"),
]
