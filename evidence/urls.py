from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("evidence/<uuid:evidence_id>/download", views.download, name="download"),
]
