"""Each area keeps its routes beside its views; this file only joins them."""

from .views import attachments, proposals, sessions, suggestions

app_name = "congress"
urlpatterns = [
    *sessions.urlpatterns,
    *proposals.urlpatterns,
    *suggestions.urlpatterns,
    *attachments.urlpatterns,
]
