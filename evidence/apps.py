from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self) -> None:
        # Registers the evidence settings' checks with core.checks (and so with Django's system
        # checks and the WSGI start-up check).
        from . import checks  # noqa: F401
