from django.urls import path

from annotations import document_views, views

urlpatterns = [
    # Projects
    path("", views.project_list, name="project-list"),
    path("projects/<id:project_id>/", views.project_detail, name="project-detail"),
    # Getting articles in: one pasted or a file of them
    path(
        "projects/<id:project_id>/documents/add/", document_views.document_add, name="document-add"
    ),
    path(
        "projects/<id:project_id>/documents/upload/",
        document_views.document_upload,
        name="document-upload",
    ),
    # The reviewer's workspace
    path("documents/<id:document_id>/", views.document_detail, name="document-detail"),
]
