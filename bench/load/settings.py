"""The service's settings plus two bench-only pages (bench/load/urls.py), for `make bench-load`.

Everything else is config.settings as the environment sets it, so the bench serves what
production serves; only the URL configuration and one template folder are added. The real
service never has these URLs."""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.load.urls"

# The floor page's template (bench/load/jinja2/bench_load/floor.jinja), beside the service's own.
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "load" / "jinja2"]},
    *TEMPLATES[1:],
]
