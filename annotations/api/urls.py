from django.urls import path

from annotations.api import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("projects/", views.ProjectListView.as_view(), name="api-projects"),
    path(
        "projects/<id:project_id>/documents/",
        views.ProjectDocumentsView.as_view(),
        name="api-project-documents",
    ),
    path("documents/<id:document_id>/", views.DocumentDetailView.as_view(), name="api-document"),
    path(
        "documents/<id:document_id>/spans/",
        views.DocumentSpansView.as_view(),
        name="api-document-spans",
    ),
    path("spans/<id:span_id>/", views.SpanDetailView.as_view(), name="api-span"),
    path("spans/<id:span_id>/verdict/", views.SpanVerdictView.as_view(), name="api-span-verdict"),
]

# --- moderation ------------------------------------------------------------------------------
from annotations.api import moderation  # noqa: E402

urlpatterns += [
    path("spans/<id:span_id>/review/", moderation.SpanReviewView.as_view(), name="api-span-review"),
    path(
        "spans/<id:span_id>/verdict/review/",
        moderation.VerdictReviewView.as_view(),
        name="api-verdict-review",
    ),
    path(
        "spans/<id:span_id>/restore/", moderation.SpanRestoreView.as_view(), name="api-span-restore"
    ),
    path(
        "projects/<id:project_id>/agreement/",
        moderation.ProjectAgreementView.as_view(),
        name="api-project-agreement",
    ),
    path(
        "documents/<id:document_id>/agreement/",
        moderation.DocumentAgreementView.as_view(),
        name="api-document-agreement",
    ),
]
