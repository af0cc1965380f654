// The document's spans (or its open suggestions: a second store) as the page knows them. Every change goes through here, and the
// listeners (painting, the list, the panel) redraw from it.

// A span the page shows at once, while the server is still saving it: the server's template
// of a new span (data.draft: every field of the API's span, with a new span's defaults) and
// what the reviewer chose. Version 0 marks it as not saved yet.
export function draftSpan(template, fields) {
  return { ...template, ...fields, version: 0 };
}

export class SpanStore {
  constructor(spans) {
    this.byId = new Map(spans.map((s) => [String(s.id), s]));
    this.listeners = [];
    this.sorted = null;
  }

  get(id) {
    return this.byId.get(String(id));
  }

  all() {
    if (!this.sorted) {
      this.sorted = Array.from(this.byId.values()).sort(
        (x, y) => x.start - y.start || x.end - y.end || String(x.id).localeCompare(String(y.id)),
      );
    }
    return this.sorted;
  }

  put(span, { replacing } = {}) {
    if (replacing !== undefined) this.byId.delete(String(replacing));
    this.byId.set(String(span.id), span);
    this.changed({ kind: "put", span, replacing });
  }

  remove(id) {
    const span = this.get(id);
    if (!span) return;
    this.byId.delete(String(id));
    this.changed({ kind: "remove", span });
  }

  // Several at once, as one change (one repaint): accept all above a score, a finished run.
  putAll(spans) {
    for (const span of spans) this.byId.set(String(span.id), span);
    this.changed({ kind: "bulk", spans });
  }

  removeAll(ids) {
    const gone = ids.map((id) => this.get(id)).filter(Boolean);
    for (const span of gone) this.byId.delete(String(span.id));
    this.changed({ kind: "bulk", spans: gone });
  }

  replaceAll(spans) {
    const before = Array.from(this.byId.values());
    this.byId = new Map(spans.map((s) => [String(s.id), s]));
    this.changed({ kind: "bulk", spans: [...before, ...spans] });
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  changed(change) {
    this.sorted = null;
    for (const listener of this.listeners) listener(change);
  }
}
