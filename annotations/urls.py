from django.urls import path

from annotations import comparison_views, document_views, factcheck_views, story_views, views

urlpatterns = [
    # Projects
    path("", views.project_list, name="project-list"),
    path("inbox/", views.inbox, name="inbox"),
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
    # Claims already checked elsewhere (ClaimReview)
    path("projects/<id:project_id>/fact-checks/", factcheck_views.fact_checks, name="fact-checks"),
    # The reviewer's workspace
    path("documents/<id:document_id>/", views.document_detail, name="document-detail"),
    path(
        "documents/<id:document_id>/details/",
        document_views.document_details,
        name="document-details",
    ),
    path(
        "documents/<id:document_id>/delete/",
        document_views.document_delete,
        name="document-delete",
    ),
    # Stories: the documents that report one event
    path("stories/<id:story_id>/", story_views.story_detail, name="story-detail"),
    path("stories/<id:story_id>/rename/", story_views.story_rename, name="story-rename"),
    path("stories/<id:story_id>/confirm/", story_views.story_confirm, name="story-confirm"),
    path("stories/<id:story_id>/move/", story_views.story_move, name="story-move"),
    path("stories/<id:story_id>/merge/", story_views.story_merge, name="story-merge"),
    path("stories/<id:story_id>/split/", story_views.story_split, name="story-split"),
    # Two or three articles of a story side by side, with what the comparison found
    path("stories/<id:story_id>/compare/", comparison_views.story_compare, name="story-compare"),
    path(
        "stories/<id:story_id>/compare/run/",
        comparison_views.story_compare_run,
        name="story-compare-run",
    ),
]
