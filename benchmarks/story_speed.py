"""Worker time of the story job for a new 5,000-character article in a project of 10,000.

    python benchmarks/story_speed.py [--documents 10000] [--new 20] [--data ../shared/data]

Builds the project in a scratch PostgreSQL database (--database, fc_stories_bench by default,
dropped and created again): --documents articles of about 5,000 characters, reports of events
(one to five articles an event, a day or two apart, over two years), with the events' stories
already formed and every article signed as the job leaves it (story_signatures_rebuild). Then
imports --new articles one at a time, half of them new reports of events the project has and
half of new events, and times `story_propose` on each: the task's whole body, signature,
lookups, scoring and writes. Prints the median and 90th percentile of the wall time (what the
worker waits, the database included) and of the worker's own CPU time.

The articles are synthetic by default: words drawn from a Zipf vocabulary with topic and
event words, names, places and figures, so that events of one topic resemble each other.
With --data, each article is instead made of sentences of a real article (PolNeAR's 2016
election coverage, read from the directory; nothing of it is stored outside the scratch
database), mixed with sentences of others: heavier, since so many articles share names.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, fresh_database  # noqa: E402

TARGET_CHARS = 5000
START = date(2022, 1, 1)


@dataclass
class Event:
    day: date
    words: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    topic: int = 0
    sentences: list[str] = field(default_factory=list)  # real mode: the source's sentences


class Synthetic:
    """Articles made of a Zipf vocabulary, topic words, and an event's own words and names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.common = [self._word(rng.randint(2, 4)) for _ in range(6000)]
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.common))]
        self.cumulative = list(itertools.accumulate(weights))
        self.topics = [[self._word(3) for _ in range(80)] for _ in range(150)]
        self.first = [self._word(2).capitalize() for _ in range(3000)]
        self.last = [self._word(3).capitalize() for _ in range(6000)]
        self.towns = [self._word(3).capitalize() for _ in range(4000)]

    def _word(self, syllables: int) -> str:
        consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
        return "".join(
            self.rng.choice(consonants) + self.rng.choice(vowels) for _ in range(syllables)
        )

    def event(self, day: date) -> Event:
        rng = self.rng
        return Event(
            day=day,
            topic=rng.randrange(len(self.topics)),
            words=[self._word(3) for _ in range(25)],
            names=[f"{rng.choice(self.first)} {rng.choice(self.last)}" for _ in range(6)],
            places=rng.sample(self.towns, 2),
            figures=[
                f"{rng.randint(11, 9999):,} {rng.choice(['people', 'homes', 'votes', 'jobs'])}",
                f"${rng.randint(2, 900)} million",
                f"{rng.randint(11, 99)} percent",
            ],
        )

    def article(self, event: Event) -> tuple[str, str]:
        rng, topic = self.rng, self.topics[event.topic]
        paragraphs, size = [], 0
        while size < TARGET_CHARS:
            sentences = []
            for _ in range(4):
                words = []
                for _ in range(rng.randint(12, 24)):
                    roll = rng.random()
                    if roll < 0.12:
                        words.append(rng.choice(["the", "of", "and", "to", "a", "in", "said"]))
                    elif roll < 0.22:
                        words.append(rng.choice(topic))
                    elif roll < 0.32:
                        words.append(rng.choice(event.words))
                    elif roll < 0.36:
                        words.append(rng.choice(event.names))
                    elif roll < 0.38:
                        words.append("in " + rng.choice(event.places))
                    elif roll < 0.39:
                        words.append(rng.choice(event.figures))
                    else:
                        words.append(rng.choices(self.common, cum_weights=self.cumulative)[0])
                sentence = " ".join(words)
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        title = " ".join([rng.choice(event.names), rng.choice(event.words), "in", event.places[0]])
        return title, "\n\n".join(paragraphs)[:TARGET_CHARS]


class RealSentences:
    """Articles made of one real article's sentences (its event), shuffled, with a third of
    them from other articles."""

    def __init__(self, rng: random.Random, data: Path) -> None:
        from annotations.suggest.sentences import sentence_spans

        self.rng = rng
        self.sources: list[Event] = []
        for path in sorted((data / "polnear").glob("*/text/*.txt")):
            text = path.read_text(encoding="utf-8")
            sentences = [text[s:e].strip() for s, e in sentence_spans(text) if e - s > 40]
            day = date.fromisoformat(path.name.split("_")[1])
            if len(sentences) >= 10:
                self.sources.append(Event(day=day, sentences=sentences))
        self.pool = [s for source in self.sources for s in source.sentences]

    def event(self, day: date) -> Event:
        return self.rng.choice(self.sources)

    def article(self, event: Event) -> tuple[str, str]:
        rng = self.rng
        own = event.sentences[:]
        rng.shuffle(own)
        parts, size = [], 0
        for sentence in own:
            if rng.random() < 0.33:
                sentence = rng.choice(self.pool)
            parts.append(sentence)
            size += len(sentence) + 1
            if size >= TARGET_CHARS:
                break
        while size < TARGET_CHARS:
            sentence = rng.choice(self.pool)
            parts.append(sentence)
            size += len(sentence) + 1
        return own[0][:120], " ".join(parts)[:TARGET_CHARS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=20, help="new articles timed")
    parser.add_argument("--data", type=Path, help="build articles from PolNeAR's sentences")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="fc_stories_bench")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    url = fresh_database(host=args.host, name=args.database)
    os.environ.update(django_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    from django.db import connection

    from annotations import services
    from annotations.models import Document, Project, Story, StoryStatus

    rng = random.Random(args.seed)
    maker = RealSentences(rng, args.data) if args.data else Synthetic(rng)
    project = Project.objects.create(name="Story speed")

    # The project: events of one to five reports over two years, their stories formed.
    events: list[tuple[Event, list[Document]]] = []
    documents: list[Document] = []
    while len(documents) < args.documents:
        event = maker.event(START + timedelta(days=rng.randrange(730)))
        group = []
        for _ in range(min(rng.choice([1, 2, 3, 3, 3, 4, 5]), args.documents - len(documents))):
            title, text = maker.article(event)
            group.append(
                Document(
                    project=project,
                    title=title,
                    outlet=rng.choice(["Courier", "Herald", "Gazette", "Post", "Times"]),
                    published_on=event.day + timedelta(days=rng.randrange(3)),
                    text=text,
                    text_length=len(text),
                )
            )
        documents += group
        events.append((event, group))
    Document.objects.bulk_create(documents, batch_size=500)
    for _, group in events:
        if len(group) > 1:
            story = Story.objects.create(project=project, title=group[0].title)
            Document.objects.filter(pk__in=[d.pk for d in group]).update(
                story=story, story_status=StoryStatus.CONFIRMED
            )
    built = time.perf_counter()
    signed = services.story_signatures_rebuild(project=project)
    with connection.cursor() as cursor:
        for table in ("storykey", "storyvocabulary", "storysignature", "document"):
            cursor.execute(f"VACUUM ANALYZE annotations_{table}")
    ready = time.perf_counter()

    # The timed part: new articles, one at a time, through the job's whole body.
    wall, cpu, candidates, actions = [], [], [], {}
    right = 0
    for i in range(args.new):
        known = i % 2 == 0
        if known:
            event, group = rng.choice([e for e in events if len(e[1]) > 1])
        else:
            event, group = maker.event(START + timedelta(days=rng.randrange(730))), []
        title, text = maker.article(event)
        document = Document.objects.create(
            project=project,
            title=title,
            outlet="Newcomer",
            published_on=event.day + timedelta(days=1),
            text=text,
            text_length=len(text),
        )
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        result = services.story_propose(document_id=document.pk)
        cpu.append((time.process_time() - cpu_start) * 1000)
        wall.append((time.perf_counter() - wall_start) * 1000)
        assert result is not None
        candidates.append(result.candidates)
        actions[result.action] = actions.get(result.action, 0) + 1
        story_of_event = Document.objects.get(pk=group[0].pk).story_id if group else None
        right += (result.story_id == story_of_event) if known else (result.action == "alone")

    def line(name: str, times: list[float]) -> str:
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
        return f"{name:32s} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms"

    kind = f"sentences of real articles ({args.data})" if args.data else "synthetic"
    print(
        f"project: {len(documents):,} articles ({kind}), "
        f"{Story.objects.filter(project=project).count():,} stories; built in "
        f"{built - started:.0f} s, signed ({signed:,}) in {ready - built:.0f} s"
    )
    print(f"new articles: {args.new} of about {TARGET_CHARS:,} characters, half of known events")
    print(line("story_propose, wall (worker)", wall))
    print(line("story_propose, worker CPU", cpu))
    # With real sentences one source article makes several "events" (sampled again), so
    # whether the right one was joined says nothing there.
    judged = "" if args.data else f"; right story (or alone) for {right} of {args.new}"
    print(
        f"candidates scored: median {statistics.median(candidates):.0f}; "
        f"decisions {actions}{judged}"
    )
    print("target: well under 0.5 s of worker time a proposal")


if __name__ == "__main__":
    main()
