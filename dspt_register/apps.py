from django.apps import AppConfig


class DsptRegisterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dspt_register"
    verbose_name = "DSPT register"
