from django.apps import AppConfig


class NhsNumbersConfig(AppConfig):
    name = "nhs_numbers"
    verbose_name = "NHS number checker"
