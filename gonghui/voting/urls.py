"""Each area keeps its routes beside its views; this file only joins them."""

from .views import ballot, polls, results

app_name = "voting"
urlpatterns = [*polls.urlpatterns, *ballot.urlpatterns, *results.urlpatterns]
