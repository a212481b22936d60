"""Email and notifications: Django's email, and GOV.UK Notify (docs/notifications.md)."""

import os

from config.env import env, env_choice, env_int

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "nir-onboarding@example.nhs.uk")

# Notifications (docs/notifications.md): `email` sends through EMAIL_BACKEND above, `notify`
# through GOV.UK Notify, whose template ids come from NOTIFY_TEMPLATE_<NAME> variables.
NOTIFICATIONS_BACKEND = env_choice("NOTIFICATIONS_BACKEND", "email", ("email", "notify"))
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5)
NOTIFICATIONS_RETRY_SECONDS = env_int("NOTIFICATIONS_RETRY_SECONDS", 60)
NOTIFY_API_KEY = env("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "") or "https://api.notifications.service.gov.uk"
NOTIFY_TEMPLATE_IDS = {
    name.removeprefix("NOTIFY_TEMPLATE_").lower(): value.strip()
    for name, value in os.environ.items()
    if name.startswith("NOTIFY_TEMPLATE_") and value.strip()
}
