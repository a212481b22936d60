from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from .checks import TAG, check_settings

        checks.register(check_settings, TAG)
