"""Each area of reports keeps its routes beside its views; this file only joins them."""

from .views import dashboard, statistics, summary, workplan

app_name = "reports"
urlpatterns = [*dashboard.urlpatterns, *summary.urlpatterns, *statistics.urlpatterns]
urlpatterns += workplan.urlpatterns
