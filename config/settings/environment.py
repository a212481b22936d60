"""Which environment this is, and the settings production refuses to start without.

Read first: a production start with a development default stops here, before anything else.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_choice, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "test", "production"))
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=DJANGO_ENV == "development")
_DEV_SECRET = "development-only-secret-key-never-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", "" if IS_PRODUCTION else _DEV_SECRET)
if IS_PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Where people reach the service: emails link to pages under it. Unset outside production, it is
# the address `make run` and `make serve` serve on, which follows PORT (issue 25): a link in an
# email printed to the console then opens the server that printed it.
SERVICE_URL = env(
    "SERVICE_URL", "" if IS_PRODUCTION else f"http://127.0.0.1:{env_int('PORT', 8000)}"
)
