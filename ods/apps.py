from django.apps import AppConfig


class OdsConfig(AppConfig):
    name = "ods"
    verbose_name = "ODS organisation data"
