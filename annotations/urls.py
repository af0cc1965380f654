from django.urls import path

from annotations import document_views, factcheck_views, story_views, views

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
    # Claims already checked elsewhere (ClaimReview)
    path("projects/<id:project_id>/fact-checks/", factcheck_views.fact_checks, name="fact-checks"),
    # The reviewer's workspace
    path("documents/<id:document_id>/", views.document_detail, name="document-detail"),
    # Stories: the documents that report one event
    path("stories/<id:story_id>/", story_views.story_detail, name="story-detail"),
    path("stories/<id:story_id>/rename/", story_views.story_rename, name="story-rename"),
    path("stories/<id:story_id>/confirm/", story_views.story_confirm, name="story-confirm"),
    path("stories/<id:story_id>/move/", story_views.story_move, name="story-move"),
    path("stories/<id:story_id>/merge/", story_views.story_merge, name="story-merge"),
    path("stories/<id:story_id>/split/", story_views.story_split, name="story-split"),
]
