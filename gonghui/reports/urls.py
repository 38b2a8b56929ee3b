"""Each area of reports keeps its routes beside its views; this file only joins them."""

from django.urls import URLPattern

app_name = "reports"
urlpatterns: list[URLPattern] = []
