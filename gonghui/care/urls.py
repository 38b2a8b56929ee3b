"""Each area keeps its routes beside its views; this file only joins them."""

from .views import applications, files, ledger

app_name = "care"
urlpatterns = [*ledger.urlpatterns, *files.urlpatterns, *applications.urlpatterns]
