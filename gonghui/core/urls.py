from django.urls import path

from .views import audit, auth, exports, home, imports, notifications, orgs, roles

app_name = "core"
urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth.login_view, name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("accounts/password/", auth.password_change, name="password_change"),
    path("org/switch/", auth.org_switch, name="org_switch"),
    path("orgs/", orgs.org_tree, name="org_tree"),
    path("orgs/<int:pk>/", orgs.org_detail, name="org_detail"),
    path("orgs/<int:pk>/children/", orgs.org_children, name="org_children"),
    path("orgs/<int:pk>/new/", orgs.org_create, name="org_create"),
    path("orgs/<int:pk>/edit/", orgs.org_edit, name="org_edit"),
    path("orgs/<int:pk>/move/", orgs.org_move, name="org_move"),
    path("orgs/<int:pk>/dissolve/", orgs.org_dissolve, name="org_dissolve"),
    path("orgs/<int:pk>/roles/", roles.org_roles, name="org_roles"),
    path("orgs/<int:pk>/roles/unlock/<int:user_pk>/", roles.user_unlock, name="user_unlock"),
    path("roles/", roles.role_home, name="role_home"),
    path("roles/<int:pk>/revoke/", roles.role_revoke, name="role_revoke"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/bell/", notifications.notification_bell, name="notification_bell"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("imports/job/<uuid:key>/", imports.import_status, name="import_status"),
    path("imports/job/<uuid:key>/apply/", imports.import_apply, name="import_apply"),
    path("imports/job/<uuid:key>/retry/", imports.import_retry, name="import_retry"),
    path("imports/job/<uuid:key>/errors.xlsx", imports.import_errors, name="import_errors"),
    path("exports/<uuid:key>/", exports.export_status, name="export_status"),
    path("exports/<uuid:key>/file/", exports.export_file, name="export_file"),
    path("exports/<uuid:key>/retry/", exports.export_retry, name="export_retry"),
    path("imports/new/", imports.import_start, name="import_start"),
    path("imports/template.xlsx", imports.import_template, name="import_template"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
]
