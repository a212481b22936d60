"""The service's URLs and one that fails, to see the 500 page a failure shows."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import handler500, urlpatterns


@login_not_required
def boom(request):
    raise RuntimeError("something broke")


urlpatterns = [*urlpatterns, path("boom", boom, name="boom")]
__all__ = ["handler500", "urlpatterns"]
