"""The comparison page: two or three articles of a story side by side, with what the comparison
job found between them (the same quote worded differently, the same claim, the same number told
differently, loaded wording). The texts and matches go to the page as one JSON block;
static/annotations/compare/ paints and links them, and confirms or dismisses through the API.

Asking for the story's comparison again is a plain form (it works without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotations import policy, presenters, selectors, services
from annotations.errors import NotAllowed
from annotations.models import MatchKind, OutletMatch, Story, StoryComparison

MAX_SHOWN = 3
MAX_ID_DIGITS = 18


def _story(request: HttpRequest, story_id: int) -> Story:
    return get_object_or_404(
        selectors.stories_for(request.user).select_related("project"), pk=story_id
    )


def _asked(params: QueryDict) -> list[int] | None:
    """The article ids asked for (``documents=a,b`` or the form's repeated field), in order,
    without repeats and empty choices; None when they are not ids."""
    ids: list[int] = []
    for value in params.getlist("documents"):
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > MAX_ID_DIGITS:
                return None
            if int(part) not in ids:
                ids.append(int(part))
    return ids


def _default_pair(story: Story, ids: list[int]) -> list[int]:
    """The two articles with the most matches between them, else the first two."""
    busiest = (
        OutletMatch.objects.filter(document_a__story=story, document_b__story=story)
        .exclude(status=OutletMatch.Status.DISMISSED)
        .values("document_a_id", "document_b_id")
        .annotate(n=Count("id"))
        .order_by("-n", "document_a_id", "document_b_id")
        .first()
    )
    if busiest is not None:
        return sorted([busiest["document_a_id"], busiest["document_b_id"]], key=ids.index)
    return ids[:2]


def comparison_state(story: Story) -> dict[str, object] | None:
    """What the pages say of the story's comparison job."""
    comparison = StoryComparison.objects.filter(story=story).first()
    if comparison is None:
        return None
    return {
        "status": comparison.status,
        "status_name": comparison.get_status_display(),
        "finished_at": comparison.finished_at,
        "requested_at": comparison.requested_at,
        "error": comparison.error,
        "found": comparison.counts.get("found"),
    }


@login_required
def story_compare(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    documents = list(selectors.story_documents(request.user, story=story))
    ids = [d.pk for d in documents]
    asked = _asked(request.GET)
    problem = ""
    if asked is None or any(pk not in ids for pk in asked) or len(asked) == 1:
        problem = "Choose two or three different articles of this story to compare."
        asked = []
    elif len(asked) > MAX_SHOWN:
        problem = f"At most {MAX_SHOWN} articles side by side: showing the first {MAX_SHOWN}."
        asked = asked[:MAX_SHOWN]
    chosen = asked or _default_pair(story, ids)
    texts = dict(story.documents.filter(pk__in=chosen).values_list("pk", "text"))
    by_id = {d.pk: d for d in documents}
    shown = [by_id[pk] for pk in chosen]
    matches = selectors.story_matches(story, documents=chosen) if len(chosen) >= 2 else []
    page = {
        "story": {"id": story.pk, "title": story.title},
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "outlet": d.outlet,
                "published_on": d.published_on.isoformat() if d.published_on else None,
                "text": texts[d.pk],
                "url": reverse("document-detail", args=[d.pk]),
            }
            for d in shown
        ],
        "matches": [presenters.match_data(m) for m in matches],
        "kinds": MatchKind.choices,
        "statuses": OutletMatch.Status.choices,
        "can_decide": policy.can_decide_matches(request.user, story.project_id),
        "api": {"root": reverse("api-projects").removesuffix("projects/")},
    }
    slots = [*chosen, *([None] * (MAX_SHOWN - len(chosen)))]
    return render(
        request,
        "annotations/story_compare.html",
        {
            "story": story,
            "project": story.project,
            "documents": documents,
            "shown": shown,
            "slots": slots,
            "problem": problem,
            "comparison": comparison_state(story),
            "can_decide": page["can_decide"],
            "page": page,
            "kinds": MatchKind.choices,
            "statuses": OutletMatch.Status.choices,
        },
    )


@login_required
@require_POST
def story_compare_run(request: HttpRequest, story_id: int) -> HttpResponse:
    """Compare the story's articles again (in the background), back to the page it came from."""
    story = _story(request, story_id)
    try:
        services.story_comparison_request(story=story, actor=policy.actor_of(request))
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "The articles are being compared again; reload in a moment to see it."
        )
    asked = _asked(request.POST)
    if request.POST.get("back") == "compare":
        target = reverse("story-compare", args=[story.pk])
        if asked:
            target += "?documents=" + ",".join(str(pk) for pk in asked)
        return redirect(target)
    return redirect("story-detail", story.pk)
