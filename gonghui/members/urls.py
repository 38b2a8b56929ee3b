from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("bulk/", views.member_bulk, name="bulk"),
    path("columns/", views.member_columns, name="columns"),
    path("export/", views.member_export, name="export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("<int:pk>/status/", views.member_status, name="status"),
    path("<int:pk>/transfer/", views.transfer_create, name="transfer_create"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("import/", views.import_start, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:key>/", views.import_status, name="import_status"),
    path("me/", views.my_membership, name="me"),
]
