"""How well the story proposal groups articles about one event, and the threshold it uses.

    python benchmarks/story_quality.py --data ../shared/data [--distractors] [--no-dates]

Articles arrive one by one, as imports do (by date, ties in a shuffled order, several orders),
and each goes through annotations.compare.stories exactly as the story job uses it: its rarity
counted over the articles before it, candidates from the shortlist, then ``propose``. The
events are the cross-outlet set's (each event's three articles must form one story, no two
events one story) plus the two seed articles (one story). ``--distractors`` adds PolNeAR's 2016
election articles (their own events are unknown: a merge among them is not counted, a merge
into a known event's story is an error). ``--no-dates`` drops every date (the seeds have none).

Printed, for the shipped THRESHOLD and over a grid:
* events whole: events whose articles all end in one story with nothing else of the known
  events; pair precision / recall / F1 over pairs of known articles;
* held-out: the events are split in two halves at random (10 splits); the threshold is chosen
  on one half (best pair F1, ties to the middle of the best range) and counted on the other.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.compare import stories  # noqa: E402

GRID = [round(0.1 + i * 0.02, 2) for i in range(21)]
ORDERS = 5
SPLITS = 10


@dataclass
class Article:
    key: str
    event: str | None  # None: a distractor whose event is unknown
    signature: stories.Signature


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def load(data: Path, *, distractors: bool, dates: bool) -> list[Article]:
    out: list[Article] = []
    cross = data / "crossoutlet"
    gold = json.loads((cross / "dev.json").read_text(encoding="utf-8"))
    for g in gold["groups"]:
        for d in g["documents"]:
            text = _read(cross / d["path"])
            title = text.split("\n", 1)[0]
            when = date.fromisoformat(d["date"]) if dates else None
            sig = stories.signature(text, title=title, outlet=d["outlet"], published_on=when)
            out.append(Article(d["doc_id"], f"event-{g['group_id']}", sig))
    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        text = (ROOT / "seeds" / entry["file"]).read_text(encoding="utf-8")
        sig = stories.signature(text, title=entry["title"], outlet=entry["outlet"])
        out.append(Article(entry["external_id"], "seeds", sig))
    if distractors:
        for split in ("train", "dev"):
            for path in sorted((data / "polnear" / split / "text").glob("*.txt")):
                text = _read(path)
                outlet, day = path.name.split("_")[:2]
                when = date.fromisoformat(day) if dates else None
                sig = stories.signature(
                    text, title=text.split("\n", 1)[0], outlet=outlet, published_on=when
                )
                out.append(Article(f"polnear:{path.stem}", None, sig))
    return out


def simulate(articles: list[Article], threshold: float, order_seed: int) -> dict[str, int]:
    """Every article proposed in arrival order; returns article key -> story number."""
    rng = random.Random(order_seed)
    arrival = sorted(articles, key=lambda a: (a.signature.published_on or date.min, rng.random()))
    story_of: dict[str, int] = {}
    index: dict[str, list[str]] = defaultdict(list)
    df: dict[str, int] = defaultdict(int)
    seen: dict[str, Article] = {}
    next_story = 0
    for n, article in enumerate(arrival):
        rarity = stories.Rarity(df=df, n=n)
        keys = stories.lookup_keys(article.signature, rarity)
        postings = [(k, other) for k in keys for other in index[k]]
        chosen = stories.shortlist(postings, rarity)
        # Every article of the stories among them, as the job reads them.
        wanted = {story_of[key] for key in chosen if key in story_of}
        chosen = list(dict.fromkeys(chosen + [k for k, s in story_of.items() if s in wanted]))
        candidates = [
            stories.Candidate(key, story_of.get(key), seen[key].signature) for key in chosen
        ]
        proposal = stories.propose(article.signature, candidates, rarity, threshold=threshold)
        if proposal.action == "join":
            story_of[article.key] = proposal.story
        elif proposal.action == "pair":
            story_of[article.key] = story_of[proposal.document] = next_story
            next_story += 1
        seen[article.key] = article
        for k in article.signature.rarity_keys():
            df[k] += 1
        for k in article.signature.index_keys():
            index[k].append(article.key)
    return story_of


def count(articles: list[Article], story_of: dict[str, int]) -> dict[str, float]:
    known = [a for a in articles if a.event is not None]
    tp = fp = fn = 0
    for i, a in enumerate(known):
        for b in known[i + 1 :]:
            same_event = a.event == b.event
            same_story = a.key in story_of and story_of.get(a.key) == story_of.get(b.key)
            tp += same_event and same_story
            fp += same_story and not same_event
            fn += same_event and not same_story
    # A distractor in a known event's story is a wrong merge too.
    members: dict[int, list[Article]] = defaultdict(list)
    for a in articles:
        if a.key in story_of:
            members[story_of[a.key]].append(a)
    intruders = sum(
        1
        for group in members.values()
        if any(a.event for a in group)
        for a in group
        if a.event is None
    )
    events: dict[str, list[Article]] = defaultdict(list)
    for a in known:
        events[a.event or ""].append(a)
    whole = 0
    for group in events.values():
        stories_of = {story_of.get(a.key) for a in group}
        if len(stories_of) == 1 and None not in stories_of:
            (s,) = stories_of
            whole += all(a.event == group[0].event for a in members[s] if a.event is not None)
    largest = max((len(g) for g in members.values()), default=0)
    return {"tp": tp, "fp": fp, "fn": fn, "intruders": intruders, "whole": whole,
            "events": len(events), "largest": largest}  # fmt: skip


def f1(c: dict[str, float]) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(articles: list[Article], threshold: float) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for seed in range(ORDERS):
        c = count(articles, simulate(articles, threshold, seed))
        for k, v in c.items():
            total[k] = max(total[k], v) if k == "largest" else total[k] + v
    return total


def line(name: str, c: dict[str, float]) -> str:
    p, r, f = f1(c)
    return (
        f"{name:>22}  events whole {c['whole'] / ORDERS:4.1f}/{c['events'] / ORDERS:<4.1f} "
        f"pairs P {p:.3f} R {r:.3f} F1 {f:.3f}  distractors in known stories "
        f"{c['intruders'] / ORDERS:.1f}  largest story {c['largest']:.0f}"
    )


def choose(articles: list[Article]) -> float:
    scores = [(t, f1(evaluate(articles, t))[2]) for t in GRID]
    best = max(s for _, s in scores)
    tied = [t for t, s in scores if s >= best - 1e-9]
    return tied[len(tied) // 2]


def main() -> None:
    global ORDERS, GRID
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--distractors", action="store_true")
    parser.add_argument("--no-dates", action="store_true")
    parser.add_argument("--grid", action="store_true", help="print every threshold of the grid")
    parser.add_argument("--orders", type=int, default=ORDERS, help="arrival orders tried")
    parser.add_argument(
        "--thresholds", type=float, nargs="*", help="the grid (default 0.10 to 0.50 by 0.02)"
    )
    parser.add_argument("--no-held-out", action="store_true", help="skip the held-out splits")
    args = parser.parse_args()
    ORDERS = args.orders
    GRID = args.thresholds or GRID
    started = time.perf_counter()
    articles = load(args.data, distractors=args.distractors, dates=not args.no_dates)
    print(
        f"{len(articles)} articles ({sum(a.event is None for a in articles)} distractors), "
        f"dates {'off' if args.no_dates else 'on'}, {ORDERS} arrival orders; "
        f"signatures in {time.perf_counter() - started:.1f} s"
    )
    print(line(f"shipped {stories.THRESHOLD}", evaluate(articles, stories.THRESHOLD)))
    if args.grid:
        for t in GRID:
            print(line(f"threshold {t}", evaluate(articles, t)))

    if args.no_held_out:
        print(f"total {time.perf_counter() - started:.1f} s")
        return
    events = sorted({a.event for a in articles if a.event})
    held: dict[str, float] = defaultdict(float)
    chosen = []
    for split in range(SPLITS):
        rng = random.Random(1000 + split)
        half = set(rng.sample(events, len(events) // 2))
        for train_events in (half, set(events) - half):
            train = [a for a in articles if a.event in train_events or a.event is None]
            test = [a for a in articles if (a.event and a.event not in train_events)]
            test += [a for a in articles if a.event is None]
            t = choose(train)
            chosen.append(t)
            for k, v in evaluate(test, t).items():
                held[k] = max(held[k], v) if k == "largest" else held[k] + v
    for k in ("whole", "events", "tp", "fp", "fn", "intruders"):
        held[k] /= SPLITS * 2
    print(line("held-out (chosen " + f"{min(chosen)}..{max(chosen)})", held))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
