"""The story page: a story's documents by outlet and date with their counts, and the forms that
confirm, move, merge, split and rename (plain POSTs through annotations.services.stories, so
they work without JavaScript and with the keyboard). Each action answers with a redirect to the
story it leaves the reviewer on, and a message saying what happened."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annotations import policy, selectors, services
from annotations.comparison_views import comparison_state
from annotations.errors import DomainError, NotAllowed, ValidationError
from annotations.models import AuditEvent, Story, StoryStatus

MAX_STORY_CHOICES = 100  # stories offered as a move or merge target, latest first
NEW_STORY = "new"
MAX_ID = 10**18 - 1  # as the URLs' id converter: a bigint, never an overflow


class RenameForm(forms.Form):
    title = forms.CharField(max_length=500)


class ConfirmForm(forms.Form):
    # Empty: every proposed document of the story.
    document = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class MoveForm(forms.Form):
    document = forms.IntegerField(min_value=1, max_value=MAX_ID)
    to = forms.CharField(max_length=20)  # a story id, or "new"


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, max_value=MAX_ID)


class SplitForm(forms.Form):
    documents = forms.TypedMultipleChoiceField(coerce=int, choices=())
    title = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, story_documents: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, pk) for pk in story_documents]
        field.error_messages["required"] = "Select the documents to split off."


def _story(request: HttpRequest, story_id: int) -> Story:
    stories = selectors.stories_for(request.user).select_related("project")
    return get_object_or_404(stories, pk=story_id)


def _other_stories(request: HttpRequest, story: Story):
    return (
        selectors.stories_for(request.user)
        .filter(project_id=story.project_id)
        .exclude(pk=story.pk)
        .order_by("-updated_at", "-id")
    )


@login_required
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    documents = list(selectors.story_documents(request.user, story=story))
    others = list(_other_stories(request, story)[:MAX_STORY_CHOICES])
    events = selectors.story_history(story, document_ids=[d.pk for d in documents])[:50]
    titles = {d.pk: d.title for d in documents}
    return render(
        request,
        "annotations/story_detail.html",
        {
            "story": story,
            "project": story.project,
            "documents": documents,
            "outlets": len({d.outlet for d in documents if d.outlet}),
            "proposed": sum(d.story_status == StoryStatus.PROPOSED for d in documents),
            "others": others,
            "history": [_history_line(event, titles) for event in events],
            "can_edit": policy.can_edit_stories(request.user, story.project_id),
            "new_story": NEW_STORY,
            "comparison": comparison_state(story),
        },
    )


_DOCUMENT_VERBS = {
    "story_propose": "proposed a story for",
    "story_confirm": "confirmed",
    "story_move": "moved",
    "story_merge": "merged in",
    "story_split": "split off",
    "story_dissolve": "took out of a one-article story",
}


def _history_line(event: AuditEvent, titles: dict[int, str]) -> dict[str, object]:
    """One event as a sentence: who did what to which document or to the story."""
    who = event.actor.get_username() if event.actor else "The story job"
    after = event.after or {}
    before = event.before or {}
    if event.object_type == "document":
        verb = _DOCUMENT_VERBS.get(event.action, event.action)
        text = f"{verb} “{titles.get(event.object_id, f'document {event.object_id}')}”"
    elif event.action == "rename":
        text = f"renamed the story from “{before.get('title', '')}” to “{after.get('title', '')}”"
    elif event.action == "merge":
        text = f"merged the story “{before.get('merged', {}).get('title', '')}” into this one"
    elif event.action == "split":
        count = len(after.get("documents", []))
        text = f"split {count} document{'s' if count != 1 else ''} off into a new story"
    elif event.action == "create":
        text = "made this story"
    else:
        text = f"{event.action} the story"
    return {"at": event.created_at, "who": who, "text": text}


def _done(request: HttpRequest, story_id: int, action) -> HttpResponse:
    """Run the action (a service call returning the story to show next and a message), turning
    a refusal into an error message on the story page."""
    try:
        target, message = action()
    except (ValidationError, NotAllowed) as exc:
        messages.error(request, _reason(exc))
        return redirect("story-detail", story_id)
    messages.success(request, message)
    return redirect("story-detail", target)


def _reason(exc: DomainError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(" ".join(reasons) for reasons in exc.errors.values())
    return str(exc)


def _form_error(request: HttpRequest, story_id: int, form: forms.Form) -> HttpResponse:
    messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
    return redirect("story-detail", story_id)


@login_required
@require_POST
def story_rename(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _form_error(request, story.pk, form)

    def action():
        renamed = services.story_rename(
            story=story, actor=policy.actor_of(request), title=form.cleaned_data["title"]
        )
        return renamed.pk, f"Renamed the story “{renamed.title}”."

    return _done(request, story.pk, action)


@login_required
@require_POST
def story_confirm(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _form_error(request, story.pk, form)
    wanted = form.cleaned_data["document"]
    documents = None
    if wanted is not None:
        documents = list(selectors.story_members(story).filter(pk=wanted))
        if not documents:
            messages.error(request, "That document is not in this story.")
            return redirect("story-detail", story.pk)

    def action():
        confirmed = services.story_confirm(
            story=story, actor=policy.actor_of(request), documents=documents
        )
        if len(confirmed) == 1:
            return story.pk, f"Confirmed “{confirmed[0].title}” in this story."
        return story.pk, f"Confirmed {len(confirmed)} documents in this story."

    return _done(request, story.pk, action)


@login_required
@require_POST
def story_move(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _form_error(request, story.pk, form)
    document = selectors.story_members(story).filter(pk=form.cleaned_data["document"]).first()
    if document is None:
        messages.error(request, "That document is not in this story.")
        return redirect("story-detail", story.pk)
    to = None
    if form.cleaned_data["to"] != NEW_STORY:
        to = _other_stories(request, story).filter(pk=_int(form.cleaned_data["to"])).first()
        if to is None:
            messages.error(request, "Choose another story of this project, or a new story.")
            return redirect("story-detail", story.pk)

    def action():
        target = services.story_move(document=document, actor=policy.actor_of(request), to=to)
        return target.pk, f"Moved “{document.title}” to the story “{target.title}”."

    return _done(request, story.pk, action)


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) <= 18 else 0


@login_required
@require_POST
def story_merge(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _form_error(request, story.pk, form)
    into = _other_stories(request, story).filter(pk=form.cleaned_data["into"]).first()
    if into is None:
        messages.error(request, "Choose another story of this project to merge into.")
        return redirect("story-detail", story.pk)

    def action():
        merged = services.story_merge(story=story, into=into, actor=policy.actor_of(request))
        return merged.pk, f"Merged “{story.title}” into “{merged.title}”."

    return _done(request, story.pk, action)


@login_required
@require_POST
def story_split(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    form = SplitForm(
        request.POST,
        story_documents=list(selectors.story_members(story).values_list("pk", flat=True)),
    )
    if not form.is_valid():
        return _form_error(request, story.pk, form)
    documents = list(selectors.story_members(story).filter(pk__in=form.cleaned_data["documents"]))

    def action():
        new = services.story_split(
            story=story,
            documents=documents,
            actor=policy.actor_of(request),
            title=form.cleaned_data["title"],
        )
        count = len(documents)
        return new.pk, f"Split {count} document{'s' if count != 1 else ''} into “{new.title}”."

    return _done(request, story.pk, action)
