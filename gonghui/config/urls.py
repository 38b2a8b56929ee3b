from django.urls import include, path

urlpatterns = [
    path("", include("gonghui.core.urls")),
]

handler403 = "gonghui.core.views.errors.permission_denied"
handler404 = "gonghui.core.views.errors.not_found"
