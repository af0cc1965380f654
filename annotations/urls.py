from django.urls import path

from annotations import views

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/<id:project_id>/", views.project_detail, name="project-detail"),
    path("documents/<id:document_id>/", views.document_detail, name="document-detail"),
]
