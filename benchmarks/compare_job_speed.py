"""Worker time of the comparison job for a story of 10 articles of 5,000 characters.

    python benchmarks/compare_job_speed.py [--data ../shared/data/crossoutlet] [--articles 10]
        [--chars 5000] [--repeat 3] [--database fc_compare_bench]

The articles are those of compare_speed.py (cut from the cross-outlet texts, else from the
seeds), stored as one story in a scratch PostgreSQL database (--database, dropped and created
again). Times `story_comparison_run`, the task's whole body: reading the articles, the
comparison, and the upsert of the matches. Prints the wall time (what the worker waits, the
database included) and the worker's CPU time:

* words only (COMPARE_WITH_ENCODER off): the first run, which writes every match, and a run
  again with nothing new (the median of --repeat);
* with the sentence encoder (the ml extra), the model loaded first (a worker's start-up): the
  first run, which encodes every sentence and keeps each article's vectors; a run after one
  article joined (only its sentences are encoded); and a run again with every article's vectors
  kept (read from the database, as a freshly started worker does).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, fresh_database  # noqa: E402
from compare_speed import story as story_texts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/crossoutlet")
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--chars", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="fc_compare_bench")
    args = parser.parse_args(argv)

    url = fresh_database(host=args.host, name=args.database)
    os.environ.update(django_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from annotations import embeddings, services
    from annotations.models import (
        Document,
        OutletMatch,
        Project,
        SentenceVectors,
        Story,
        StoryComparison,
    )

    texts = story_texts(Path(args.data), args.articles, args.chars)
    project = Project.objects.create(name="Compare job speed")
    story = Story.objects.create(project=project, title="One event")
    Document.objects.bulk_create(
        [
            Document(
                project=project,
                story=story,
                title=name,
                outlet=f"Outlet {i}",
                text=text,
                text_length=len(text),
            )
            for i, (name, text) in enumerate(texts)
        ]
    )
    sizes = [len(t) for _, t in texts]
    print(
        f"compare_job_speed: a story of {len(texts)} articles of {min(sizes)}-{max(sizes)}"
        f" characters ({len(texts) * (len(texts) - 1) // 2} pairs), PostgreSQL"
    )

    def asked() -> None:
        # What story_comparison_request records (without handing the job to a queue).
        StoryComparison.objects.update_or_create(
            story=story, defaults={"requested_at": timezone.now(), "status": "queued"}
        )

    def timed(label: str) -> dict:
        asked()
        wall, cpu = time.perf_counter(), time.process_time()
        result = services.story_comparison_run(story_id=story.pk)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert result is not None and not result.skipped
        counts = result.counts
        print(
            f"  {label:<46} wall {wall:6.3f} s  CPU {cpu:6.3f} s"
            f"  ({counts['found']} matches: {counts['new']} new, {counts['updated']} updated,"
            f" {counts['removed']} removed; {counts['encoded']} sentences encoded)"
        )
        return {"wall": wall, "cpu": cpu}

    def again(label: str) -> None:
        runs = [timed(f"{label} #{i + 1}") for i in range(args.repeat)]
        print(
            f"  {label}: median wall {statistics.median(r['wall'] for r in runs):.3f} s,"
            f" CPU {statistics.median(r['cpu'] for r in runs):.3f} s"
        )

    print("words only:")
    settings.COMPARE_WITH_ENCODER = False
    timed("first run (writes every match)")
    again("again, nothing new")

    if not embeddings.available():
        print(f"with the sentence encoder: skipped ({embeddings.why_unavailable()})")
        return 0
    print("with the sentence encoder:")
    settings.COMPARE_WITH_ENCODER = True
    load = time.process_time()
    embeddings.get_encoder()
    print(f"  (model loaded once per worker: CPU {time.process_time() - load:.3f} s)")
    OutletMatch.objects.filter(project=project).delete()
    timed("first run (encodes every sentence)")
    newest = Document.objects.filter(story=story).order_by("-pk").first()
    SentenceVectors.objects.filter(document=newest).delete()
    timed("an article joined (only its sentences)")
    again("again, every article's vectors kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
