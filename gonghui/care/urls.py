"""Each area keeps its routes beside its views; this file only joins them."""

from .views import applications, donations, duelists, files, health, ledger, visit_picker, visits

app_name = "care"
urlpatterns = [*ledger.urlpatterns, *files.urlpatterns, *applications.urlpatterns]
urlpatterns += [*visits.urlpatterns, *visit_picker.urlpatterns, *duelists.urlpatterns]
urlpatterns += [*donations.urlpatterns, *health.urlpatterns]
