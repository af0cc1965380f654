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
    const total = store.all().length;
    countEl.textContent = shown === total ? `${total}` : `${shown} of ${total}`;
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

  return { render, setCurrent, order };
}
