from django.urls import path

from . import views

app_name = "service_pages"

urlpatterns = [
    path("accessibility-statement", views.accessibility_statement, name="accessibility"),
    path("privacy-notice", views.privacy_notice, name="privacy"),
    path("cookies", views.cookies, name="cookies"),
    path("help", views.help_and_contact, name="help"),
    path("feedback", views.feedback, name="feedback"),
    path("feedback/sent", views.feedback_sent, name="feedback_sent"),
    path("administration/feedback", views.feedback_list, name="feedback_list"),
]
