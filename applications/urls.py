from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("applications/start", views.application_start, name="start"),
    path("applications/<uuid:application_id>", views.application_detail, name="detail"),
]
