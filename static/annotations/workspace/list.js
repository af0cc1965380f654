// The list of the document's spans beside the text, filterable by label and review status.
// It follows the current span (J/K, clicks in the text) and a click on an entry opens it.
//
// A long article's thousands of entries are built a batch at a time: the first batch (more than
// the list's box shows) at once, the rest in the moments the page is idle, in text order, until
// the list is whole (aria-busy until then). Built at once, 2,000 entries held the page for a
// tenth of a second of script and twice that of style and layout, just after its first frame.
// Whatever needs an entry not built yet (the current span, from the address or J/K) has the
// rest built at once.

import { excerpt } from "./notify.js";

const SNIPPET = 90;
const FIRST = 40; // entries built at once
const BATCH = 150; // then so many an idle moment
const idle = window.requestIdleCallback
  ? (run) => requestIdleCallback(run, { timeout: 100 })
  : (run) => setTimeout(run, 0);
const cancelIdle = window.cancelIdleCallback || clearTimeout;

export function createList({ listEl, countEl, labelFilter, statusFilter, store, labelNames, statusNames, verdictWords, onOpen }) {
  let current = null;
  const items = new Map(); // span id -> <li>

  function visible(span) {
    return (
      (!labelFilter.value || span.label === labelFilter.value) &&
      (!statusFilter.value || span.review_status === statusFilter.value)
    );
  }

  function entry(span) {
    const li = document.createElement("li");
    li.dataset.spanId = span.id;
    li.dataset.label = span.label;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "span-entry";
    const tag = document.createElement("span");
    tag.className = `tag tag-${span.label.toLowerCase()}`;
    tag.textContent = labelNames[span.label] || span.label;
    const quote = document.createElement("q");
    quote.textContent = excerpt(span.text, SNIPPET);
    button.append(tag, " ", quote);
    if (span.speaker) {
      const speaker = document.createElement("span");
      speaker.className = "speaker";
      speaker.textContent = ` — ${span.speaker}`;
      button.append(speaker);
    }
    const meta = document.createElement("span");
    meta.className = "muted entry-meta";
    const bits = [span.author, statusNames[span.review_status] || span.review_status];
    if (span.verdict) bits.push(`verdict: ${verdictWords(span.verdict)}`);
    if (typeof span.id === "string") bits.push("saving…");
    meta.textContent = bits.join(" · ");
    button.append(meta);
    li.append(button);
    if (String(span.id) === String(current)) li.setAttribute("aria-current", "true");
    return li;
  }

  function showCount() {
    const total = store.all().length;
    const shown = store.all().filter(visible).length;
    countEl.textContent = shown === total ? `${total}` : `${shown} of ${total}`;
  }

  let pending = null; // the idle callback that builds the next batch, while the list is not whole

  // Up to `count` more entries, after the last one built, in text order.
  function build(count) {
    const all = store.all();
    const last = listEl.lastElementChild;
    let i = last ? all.indexOf(store.get(last.dataset.spanId)) + 1 : 0;
    const fragment = document.createDocumentFragment();
    for (let built = 0; i < all.length && built < count; i++) {
      const span = all[i];
      if (!visible(span) || items.has(String(span.id))) continue;
      const li = entry(span);
      items.set(String(span.id), li);
      fragment.append(li);
      built++;
    }
    listEl.append(fragment);
    return i < all.length;
  }

  function buildLater() {
    pending = idle(() => {
      pending = null;
      if (build(BATCH)) buildLater();
      else listEl.removeAttribute("aria-busy");
    });
  }

  // The rest of the list, now.
  function finish() {
    if (pending === null) return;
    cancelIdle(pending);
    pending = null;
    build(Infinity);
    listEl.removeAttribute("aria-busy");
  }

  function render() {
    if (pending !== null) cancelIdle(pending);
    pending = null;
    items.clear();
    listEl.replaceChildren();
    if (build(FIRST)) {
      listEl.setAttribute("aria-busy", "true");
      buildLater();
    } else listEl.removeAttribute("aria-busy");
    showCount();
  }

  function drop(id) {
    const li = items.get(String(id));
    if (!li) return;
    li.remove();
    items.delete(String(id));
  }

  // One span put or removed (a tag, its save, an edit, an undo): only its entry is built again
  // and put in its place; the thousands of others stay as they are (building them all again
  // cost a long article hundreds of milliseconds of script and style after every tag).
  function apply(change) {
    if (change.kind === "remove") {
      drop(change.span.id);
    } else {
      if (change.replacing !== undefined) drop(change.replacing);
      drop(change.span.id);
      const span = store.get(change.span.id);
      if (span && visible(span)) {
        const all = store.all();
        let next = null;
        for (let i = all.indexOf(span) + 1; i < all.length && !next; i++) next = items.get(String(all[i].id)) || null;
        // Past the last entry built while the list is still being built: its batch builds it.
        if (next || pending === null) {
          const li = entry(span);
          listEl.insertBefore(li, next);
          items.set(String(span.id), li);
        }
      }
    }
    showCount();
  }

  // The changes since the list was last brought up to date, in order: each one's entry, or all
  // of them again after a change of many (others' work arriving, accept all).
  function update(changes) {
    if (changes.some((c) => c.kind === "bulk")) render();
    else for (const change of changes) apply(change);
  }

  function setCurrent(id, { scroll = true } = {}) {
    if (current !== null) items.get(String(current))?.removeAttribute("aria-current");
    current = id;
    if (id !== null && !items.has(String(id))) finish();
    const li = id === null ? null : items.get(String(id));
    if (li) {
      li.setAttribute("aria-current", "true");
      if (scroll) reveal(li);
    }
  }

  // The entry into the list's own view. Only the list's box scrolls, never the page: the page
  // keeps the highlight it has just brought into view (scrolling the entry into view moved the
  // page away from a highlight far down the article). Entries not shown yet have an estimated
  // height (content-visibility) until they are, so it looks again for the next few frames, as
  // those around it take their real heights.
  function reveal(li, frames = 3) {
    const box = listEl.getBoundingClientRect();
    const at = li.getBoundingClientRect();
    let by = 0;
    if (at.top < box.top) by = at.top - box.top;
    else if (at.bottom > box.bottom) by = Math.min(at.bottom - box.bottom, at.top - box.top);
    if (by) listEl.scrollTop += by;
    if (frames > 1) {
      requestAnimationFrame(() => {
        if (li.isConnected && String(current) === li.dataset.spanId) reveal(li, frames - 1);
      });
    }
  }

  // The ids J and K walk through: the list's order, with its filters.
  function order() {
    return store.all().filter(visible).map((s) => s.id);
  }

  listEl.addEventListener("click", (event) => {
    const li = event.target.closest("li[data-span-id]");
    if (li) onOpen(li.dataset.spanId);
  });
  labelFilter.addEventListener("change", render);
  statusFilter.addEventListener("change", render);

  return { render, update, setCurrent, order };
}
