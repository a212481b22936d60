from django.urls import path

from . import views

app_name = "nhs_numbers"
urlpatterns = [
    path(
        "applications/<uuid:application_id>/nhs-number-check",
        views.nhs_number_check,
        name="check",
    ),
]
