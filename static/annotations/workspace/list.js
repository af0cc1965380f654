// The list of the document's spans beside the text, filterable by label and review status.
// It follows the current span (J/K, clicks in the text) and a click on an entry opens it.

import { excerpt } from "./notify.js";

const SNIPPET = 90;

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

  function showCount(shown) {
    const total = store.all().length;
    countEl.textContent = shown === total ? `${total}` : `${shown} of ${total}`;
  }

  function render() {
    items.clear();
    const fragment = document.createDocumentFragment();
    let shown = 0;
    for (const span of store.all()) {
      if (!visible(span)) continue;
      const li = entry(span);
      items.set(String(span.id), li);
      fragment.append(li);
      shown++;
    }
    listEl.replaceChildren(fragment);
    showCount(shown);
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
        const li = entry(span);
        const all = store.all();
        let next = null;
        for (let i = all.indexOf(span) + 1; i < all.length && !next; i++) next = items.get(String(all[i].id)) || null;
        listEl.insertBefore(li, next);
        items.set(String(span.id), li);
      }
    }
    showCount(items.size);
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
    const li = id === null ? null : items.get(String(id));
    if (li) {
      li.setAttribute("aria-current", "true");
      if (scroll) li.scrollIntoView({ block: "nearest" });
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
