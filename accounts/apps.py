from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_clock_start

        # However a session starts (a password, two-factor, an invitation), its idle clock does.
        user_logged_in.connect(session_clock_start, dispatch_uid="accounts.session_clock_start")
