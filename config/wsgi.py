import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A WSGI server runs no system checks: check the settings here, so a wrong value stops the
# server as it starts rather than failing every request.
from core.checks import setting_problems  # noqa: E402

if problems := setting_problems():
    raise ImproperlyConfigured("; ".join(problems))
