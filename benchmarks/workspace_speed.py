"""How fast the workspace opens and tags, at 20, 200 and 2,000 spans on a 100,000-character
document (overlaps and nesting included).

Prints, per size: the server's median time and SQL query count for the page and for the
document's JSON, and Chromium's median times from navigation: the page received, the
highlights built, the first frame rendered with every highlight in it, the span list beside
the text filled (an entry for every span). Then the median time from a real key press (C on a
selection) to the end of the first frame with the new highlight, on the 2,000-span document,
once the list is whole. The page is watched from outside the app (an init script), so the
figures do not rest on the app's own marks.

    make install-dev
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck SECRET_KEY=x DEBUG=false \\
      STATIC_ROOT=var/test-static .venv/bin/python manage.py collectstatic --noinput -v0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck SECRET_KEY=x DEBUG=false \\
      STATIC_ROOT=var/test-static .venv/bin/python benchmarks/workspace_speed.py [--runs 5] \\
      [--database NAME]

It works in a throwaway database (bench_workspace_<pid>, or --database) that it creates and
drops.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright next to the server
# Plain http on 127.0.0.1, and the imports' background jobs (suggestions, stories, matching)
# handed to an in-process queue no worker reads: the documents hold exactly the spans made here.
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.testcases import LiveServerThread, _StaticFilesHandler  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZES = (20, 200, 2000)
TEXT_LENGTH = 100_000
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WORDS = [
    "the",
    "police",
    "said",
    "officials",
    "government",
    "attack",
    "province",
    "claimed",
    "people",
    "killed",
    "at",
    "least",
    "more",
    "than",
    "hundreds",
    "statement",
    "group",
    "fighters",
    "regional",
    "tensions",
    "Kashmir",
    "India",
    "Pakistan",
    "spokesman",
    "confirmed",
    "reported",
    "according",
    "to",
    "witnesses",
    "army",
    "district",
    "city",
    "minister",
]
SPICE = ["👨🏻‍🚒", "消防员说火已经被扑灭了", "Spin\u0308al", "\u05e9\u05dc\u05d5\u05dd", "😀"]


def build_text(rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """About TEXT_LENGTH code points of sentences in paragraphs; returns the sentence ranges."""
    parts: list[str] = []
    sentences: list[tuple[int, int]] = []
    length = 0
    while length < TEXT_LENGTH:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        if rng.random() < 0.2:
            words.insert(rng.randint(0, len(words)), rng.choice(SPICE))
        sentence = " ".join(words).capitalize() + "."
        sentences.append((length, length + len(sentence)))
        separator = "\n\n" if rng.random() < 0.15 else " "
        parts.append(sentence + separator)
        length += len(sentence) + len(separator)
    return "".join(parts), sentences


def span_ranges(text: str, sentences: list[tuple[int, int]], count: int) -> list[tuple]:
    """CLAIMs on sentences, QUOTEs nested inside them, OPINIONs across sentence ends."""
    out: list[tuple] = []
    for i, (start, end) in enumerate(sentences):
        out.append(("CLAIM", start, end))
        inner_start = text.index(" ", start) + 1
        inner_end = text.rfind(" ", inner_start, end)
        if inner_end - inner_start > 0:
            out.append(("QUOTE", inner_start, inner_end))
        if i + 1 < len(sentences) and i % 3 == 0:
            out.append(
                ("OPINION", (start + end) // 2, (sentences[i + 1][0] + sentences[i + 1][1]) // 2)
            )
        if len(out) >= count:
            break
    return out[:count]


def make_documents(user, project, runs_text):
    from annotations import services
    from annotations.models import DeskClaim, Span, Verdict

    text, sentences = runs_text
    all_ranges = span_ranges(text, sentences, max(SIZES))
    assert len(all_ranges) == max(SIZES), "the text is too short for the spans"
    documents = {}
    for size in SIZES:
        document = services.document_import(
            project=project, actor=user, text=text, title=f"Benchmark, {size} spans"
        )
        step = len(all_ranges) / size  # spread the spans over the whole text
        chosen = [all_ranges[int(i * step)] for i in range(size)]
        spans = [
            Span(
                document=document,
                label=label,
                start=start,
                end=end,
                text=text[start:end],
                prefix=services.span_context(text, start, end)[0],
                suffix=services.span_context(text, start, end)[1],
                speaker="Police" if label == "QUOTE" else "",
                author=user,
            )
            for label, start, end in chosen
        ]
        # Every CLAIM a mention of its own desk claim; a quarter of them with a verdict.
        claims = [s for s in spans if s.label == "CLAIM"]
        desk_claims = DeskClaim.objects.bulk_create(
            DeskClaim(project=project, wording=s.text, created_by=user) for s in claims
        )
        for span, desk_claim in zip(claims, desk_claims, strict=True):
            span.desk_claim = desk_claim
        Span.objects.bulk_create(spans)
        Verdict.objects.bulk_create(
            Verdict(desk_claim=c, rating="mixed", rationale="Benchmark.", author=user)
            for c in desk_claims[::4]
        )
        documents[size] = document
    return documents


def server_figures(client: Client, url: str, runs: int) -> tuple[float, int]:
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


# Installed in the page before any of its scripts: it watches from outside the app, so the
# figures do not depend on marks the app sets itself. "Built": the microtask after the app
# marks the text painted (#document-text[data-painted]), i.e. once its start-up script has
# returned. "On screen": the first frame after that has been rendered (a task posted from that
# frame's requestAnimationFrame runs after its style, layout and paint), with every span's
# highlight in the text at that moment. "Lists": the change to the span list beside it that
# made it whole (an entry for every span; the page may build it a batch at a time).
WATCH_JS = """
(() => {
  const bench = (window.__bench = { built: null, shown: null, lists: null, spansShown: 0 });
  const afterFrame = (callback) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = callback;
      channel.port2.postMessage(null);
    });
  const spansIn = (el) =>
    new Set(Array.from(el.querySelectorAll("mark[data-span-id]"), (m) => m.dataset.spanId)).size;
  bench.afterFrame = afterFrame;
  bench.spansIn = spansIn;
  new MutationObserver((records) => {
    for (const r of records) {
      const painted = r.type === "attributes" && r.target.id === "document-text";
      if (painted && bench.built === null && r.target.dataset.painted) {
        bench.built = performance.now();
        afterFrame(() => {
          bench.shown = performance.now();
          bench.spansShown = spansIn(r.target);
        });
      }
      if (r.type === "childList" && r.target.id === "span-list") bench.lists = performance.now();
    }
  }).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-painted"],
  });
})();
"""

OPEN_JS = """
async (size) => {
  const deadline = performance.now() + 60000;
  const listed = () => document.querySelectorAll("#span-list > li").length;
  while (window.__bench.shown === null || window.__bench.lists === null || listed() < size) {
    if (performance.now() > deadline) throw new Error(JSON.stringify(window.__bench));
    await new Promise((r) => setTimeout(r, 20));
  }
  const nav = performance.getEntriesByType("navigation")[0];
  const b = window.__bench;
  return {
    response: nav.responseEnd, built: b.built, shown: b.shown, lists: b.lists, spans: b.spansShown,
  };
}
"""

# Select a word somewhere in the text (inside other highlights: the new one-word CLAIM nests)
# as the mouse would (mouseup: the tag menu opens).
SELECT_JS = """
(n) => {
  const el = document.getElementById("document-text");
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let seen = 0, node = null;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (/[a-z]{4,}/.test(t.data) && seen++ === 100 + n * 37) { node = t; break; }
  }
  node.parentElement.scrollIntoView({ block: "center" });
  const match = /[a-z]{4,}/.exec(node.data);
  const range = document.createRange();
  range.setStart(node, match.index);
  range.setEnd(node, match.index + match[0].length);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  const bench = window.__bench;
  bench.tag = null;
  const before = el.querySelectorAll("mark").length;
  // From the key's own time stamp (when the browser took the key press) to the end of the
  // first rendered frame in which the text has the new highlight.
  const onKey = (event) => {
    if (event.key !== "c") return;
    removeEventListener("keydown", onKey, true);
    const check = () => {
      const added = el.querySelectorAll("mark").length > before;
      if (added) bench.tag = performance.now() - event.timeStamp;
      else bench.afterFrame(check);
    };
    bench.afterFrame(check);
  };
  addEventListener("keydown", onKey, true);
  return before;
}
"""

TAG_DONE_JS = """
async () => {
  const deadline = performance.now() + 30000;
  while (window.__bench.tag === null) {
    if (performance.now() > deadline) throw new Error("no new highlight after the key press");
    await new Promise((r) => setTimeout(r, 5));
  }
  return window.__bench.tag;
}
"""


def browser_figures(base_url: str, session: str, documents: dict, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
        context.add_init_script(WATCH_JS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for size, document in documents.items():
            results = []
            for _ in range(runs):
                page.goto(f"{base_url}/documents/{document.pk}/")
                result = page.evaluate(OPEN_JS, size)
                assert result["spans"] == size, f"{result['spans']} of {size} spans on screen"
                results.append(result)
            figures[("open", size)] = {
                key: statistics.median(r[key] for r in results)
                for key in ("response", "built", "shown", "lists")
            }
        page.goto(f"{base_url}/documents/{documents[max(SIZES)].pk}/")
        page.evaluate(OPEN_JS, max(SIZES))
        tag_timings = []
        for n in range(runs):
            page.evaluate(SELECT_JS, n)
            page.wait_for_timeout(100)  # the menu's own frame is not the key's
            page.keyboard.press("c")  # a real key press (trusted event, with its time stamp)
            tag_timings.append(page.evaluate(TAG_DONE_JS))
            page.wait_for_timeout(300)  # let the save finish before the next one
        figures["tag"] = statistics.median(tag_timings)
        figures["tags"] = tag_timings
        assert not errors, errors
        browser.close()
    return figures


def main() -> None:
    global SIZES
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="span counts, e.g. 2000 (the largest is tagged)",
    )
    parser.add_argument(
        "--database", default=f"bench_workspace_{os.getpid()}", help="the throwaway database"
    )
    args = parser.parse_args()
    SIZES = tuple(sorted(int(size) for size in args.sizes.split(",")))
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (see the docstring).")

    setup_test_environment()
    # The benchmark's user logs in once; hashing its password slowly would only add minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATABASES["default"]["TEST"]["NAME"] = args.database
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        from annotations import services

        user, _ = services.user_get_or_create(username="bench", password="bench-pass")
        project, _ = services.project_get_or_create(name="Benchmark desk")
        services.membership_set(project=project, user=user, role="reviewer")
        text = build_text(random.Random(7))
        documents = make_documents(user, project, text)
        print(
            f"Document: {len(text[0]):,} code points, {len(text[0].encode('utf-16-le')) // 2:,} "
            f"UTF-16 units; spans at {', '.join(map(str, SIZES))}; median of {args.runs} runs."
        )

        client = Client()
        client.force_login(user)
        print(
            f"{'spans':>6} | {'page ms':>8} {'queries':>7} | {'JSON ms':>8} {'queries':>7}", end=""
        )
        server_rows = {}
        for size, document in documents.items():
            server_rows[size] = (
                *server_figures(client, f"/documents/{document.pk}/", args.runs),
                *server_figures(client, f"/api/v1/documents/{document.pk}/", args.runs),
            )

        server = LiveServerThread("127.0.0.1", _StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base_url = f"http://127.0.0.1:{server.port}"
        figures = browser_figures(base_url, client.cookies["sessionid"].value, documents, args.runs)

        print(f" | Chromium ms: {'response':>8} {'built':>6} {'on screen':>9} {'lists':>6}")
        for size, (page_ms, page_q, json_ms, json_q) in server_rows.items():
            opened = figures[("open", size)]
            print(
                f"{size:>6} | {page_ms:>8.1f} {page_q:>7} | {json_ms:>8.1f} {json_q:>7} | "
                f"{'':>12} {opened['response']:>8.0f} {opened['built']:>6.0f} "
                f"{opened['shown']:>9.0f} {opened['lists']:>6.0f}"
            )
        print(
            "(Chromium: milliseconds from navigation start to the last byte of the page, to the "
            "text's highlights built, to the end of the first frame rendered after that with "
            "every highlight in it, and to the span list beside the text filled, an entry a span.)"
        )
        print(
            f"Tag a span on the {max(SIZES):,}-span document, key press to the end of the frame "
            f"with its highlight: median {figures['tag']:.1f} ms "
            f"({', '.join(f'{t:.0f}' for t in figures['tags'])})"
        )
    finally:
        if server is not None:
            server.terminate()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
