from django.urls import path

from annotations import views

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/<id:project_id>/", views.project_detail, name="project-detail"),
    path("documents/<id:document_id>/", views.document_detail, name="document-detail"),
]

# --- getting articles in (issue 3, the add and upload pages) -------------------------------
from annotations import document_views  # noqa: E402

urlpatterns += [
    path(
        "projects/<id:project_id>/documents/add/", document_views.document_add, name="document-add"
    ),
    path(
        "projects/<id:project_id>/documents/upload/",
        document_views.document_upload,
        name="document-upload",
    ),
]
