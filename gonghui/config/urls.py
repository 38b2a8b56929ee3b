from django.conf import settings
from django.urls import include, path

from gonghui.core.views.health import healthz

urlpatterns = [
    # For load balancers and monitors: no login, no trailing slash (SECURE_REDIRECT_EXEMPT names it).
    path("healthz", healthz, name="healthz"),
    path("", include("gonghui.core.urls")),
    path("members/", include("gonghui.members.urls")),
    path("congress/", include("gonghui.congress.urls")),
    path("voting/", include("gonghui.voting.urls")),
    path("notices/", include("gonghui.notices.urls")),
    path("care/", include("gonghui.care.urls")),
    path("reports/", include("gonghui.reports.urls")),
]

if settings.GONGHUI_ADMIN:
    from django.contrib import admin

    urlpatterns.append(path("django-admin/", admin.site.urls))

handler400 = "gonghui.core.views.errors.bad_request"
handler403 = "gonghui.core.views.errors.permission_denied"
handler404 = "gonghui.core.views.errors.not_found"
handler500 = "gonghui.core.views.errors.server_error"
