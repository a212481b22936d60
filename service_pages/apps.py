from django.apps import AppConfig


class ServicePagesConfig(AppConfig):
    """The pages every NHS service has (issue 26): the start page, the accessibility statement,
    the privacy notice, the cookies page, help and contact, and feedback."""

    name = "service_pages"
