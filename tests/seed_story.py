"""The seed story (two reports of the Kashmir "province" claim) as the comparison job leaves it:
the seeds loaded, the story job run for both articles, then the comparison job."""

from __future__ import annotations

from dataclasses import dataclass

from annotations import services
from annotations.models import Document, OutletMatch, Project, Role, Story
from annotations.seeding import seeds_load
from tests.factories import UserFactory

FIRST_ID = "seed-000_0518e4dda0034b30"
SECOND_ID = "seed-001_fdfc81645854e446"
KATZ = "The world may roll its eyes at these developments"
FIRST_TOLL = "more than 250 people"
SECOND_TOLL = "at least 253 people"
FIRST_CLAIM = (
    "some of the Sri Lanka bombers, who slaughtered more than 250 people in the Easter Sunday "
    "attacks, were trained in Kashmir"
)
SECOND_CLAIM = (
    "IS has stepped up hit-and-run raids and suicide attacks, including taking responsibility "
    "for the Easter Sunday bombing in Sri Lanka that killed at least 253 people."
)
# A claim both articles make that nobody has tagged yet (the comparison finds it with or
# without the sentence encoder).
WILAYAH_A = "The announcement of the province, which Isis has called “Wilayah of Hind,”"
WILAYAH_B = "IS’s Amaq News Agency late on Friday announced the new province"


@dataclass
class SeedStory:
    project: Project
    first: Document
    second: Document
    story: Story

    def match(self, kind: str, a_contains: str, b_contains: str = "") -> OutletMatch:
        """The one match of this kind whose sides hold these words (either side order)."""
        found = [
            m
            for m in OutletMatch.objects.filter(project=self.project, kind=kind)
            if (a_contains in m.a_text and b_contains in m.b_text)
            or (a_contains in m.b_text and b_contains in m.a_text)
        ]
        assert len(found) == 1, [(m.a_text, m.b_text) for m in found]
        return found[0]


def seed_story(*, members: tuple[tuple[str, str], ...] = (), compare: bool = True) -> SeedStory:
    project = seeds_load().project
    for name, role in members:
        user = UserFactory(username=name, is_staff=role == Role.MODERATOR)
        services.membership_set(project=project, user=user, role=role)
    first = Document.objects.get(external_id=FIRST_ID)
    second = Document.objects.get(external_id=SECOND_ID)
    for document in (first, second):
        services.story_propose(document_id=document.pk)  # what the worker does after import
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.story_id is not None and first.story_id == second.story_id
    story = Story.objects.get(pk=first.story_id)
    if compare:
        services.story_comparison_run(story_id=story.pk)
    return SeedStory(project, first, second, story)
