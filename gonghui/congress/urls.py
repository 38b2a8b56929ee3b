"""Each area keeps its routes beside its views; this file only joins them."""

from .views import attachments, delegates, home, proposals, sessions, suggestions

app_name = "congress"
urlpatterns = [
    *home.urlpatterns,
    *sessions.urlpatterns,
    *delegates.urlpatterns,
    *proposals.urlpatterns,
    *suggestions.urlpatterns,
    *attachments.urlpatterns,
]
