from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("certificates", views.certificate_list, name="list"),
    path("certificates/<uuid:certificate_id>", views.certificate_detail, name="detail"),
    path(
        "certificates/<uuid:certificate_id>/withdraw",
        views.certificate_withdraw,
        name="withdraw",
    ),
    path("review/certificates", views.certificate_register, name="register"),
]
