"""The notice board and its notices; routes live beside the views."""

from .views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
