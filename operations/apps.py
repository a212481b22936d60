from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service (issue 27, ADR 0040): liveness and readiness, Prometheus metrics,
    request ids and JSON logs, and when each scheduled job last ran."""

    name = "operations"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from .middleware import request_id_forget

        request_finished.connect(request_id_forget, dispatch_uid="operations.request_id_forget")
