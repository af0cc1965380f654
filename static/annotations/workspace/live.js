// Live updates: spans, verdicts and review decisions made by others appear in an open
// workspace within a few seconds, without a reload. The page asks the document's live endpoint
// every few seconds with the ETag it has (If-None-Match): while nothing changed the server
// answers 304 without reading a span, so an idle open workspace costs one small query a poll.
// When something changed, only the spans that differ are put in the store (one repaint of the
// paragraphs they touch); the page's own drafts (still being saved) are left alone.

const EVERY = 3000;
const HIDDEN_EVERY = 30000; // a tab in the background asks rarely

// JSON with sorted keys: the same span read by two serialisers compares equal.
function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

// Every change the poll can see moves the span's or its verdict's updated_at (that is what its
// tag is made of), so those decide; the whole objects are compared only when they differ. After
// one's own tag the poll answers every span of the article, and comparing them all in full
// took a long article tens of milliseconds.
function same(known, span) {
  if (known.updated_at === span.updated_at && known.verdict?.updated_at === span.verdict?.updated_at) return true;
  return stable(known) === stable(span);
}

export function createLive({ url, tag, store, me, onChanges }) {
  let etag = tag;
  let timer = null;
  let busy = false;
  let stopped = false;

  function apply(spans) {
    const seen = new Set();
    const changed = [];
    for (const span of spans) {
      seen.add(String(span.id));
      const known = store.get(span.id);
      if (!known || !same(known, span)) changed.push(span);
    }
    const gone = store
      .all()
      .filter((s) => typeof s.id !== "string" && !seen.has(String(s.id)))
      .map((s) => s.id);
    if (gone.length) store.removeAll(gone);
    if (changed.length) store.putAll(changed);
    const theirs = changed.filter((s) => s.author !== me).length;
    if (changed.length || gone.length) onChanges({ changed, gone, theirs });
  }

  async function poll() {
    timer = null;
    if (busy) return schedule();
    busy = true;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json", ...(etag ? { "If-None-Match": etag } : {}) },
      });
      if ([401, 403, 404].includes(response.status)) {
        stopped = true; // signed out, or the article is gone: a reload says why
        return;
      }
      if (response.status === 200) {
        const body = await response.json();
        etag = response.headers.get("ETag") || body.tag;
        apply(body.spans);
      }
    } catch {
      // Offline for a moment: the next poll tries again.
    } finally {
      busy = false;
      schedule();
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(poll, document.hidden ? HIDDEN_EVERY : EVERY);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !stopped) {
      clearTimeout(timer);
      poll();
    }
  });
  schedule();
  return { poll };
}
