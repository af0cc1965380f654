// Ways back: "Recently deleted" lists the reviewer's own deleted spans in this document (newest
// first), each with Restore; "Rejected suggestions" lists the document's rejected suggestions,
// each with Bring back (open again). Both go through the API, so both are in the history.

import { excerpt } from "./notify.js";

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

export function createTrash({ initial, listEl, countEl, labelNames, onRestore }) {
  let deleted = [...initial];

  function render() {
    listEl.replaceChildren(
      ...deleted.map((span) => {
        const li = el("li");
        li.dataset.spanId = span.id;
        li.append(el("span", `tag tag-${span.label.toLowerCase()}`, labelNames[span.label] || span.label), " ");
        li.append(el("q", "", excerpt(span.text, 80)), " ");
        const button = el("button", "", "Restore");
        button.type = "button";
        button.setAttribute("aria-label", `Restore the ${labelNames[span.label] || span.label} “${excerpt(span.text, 40)}”`);
        button.addEventListener("click", () => onRestore(span));
        li.append(button);
        return li;
      }),
    );
    if (!deleted.length) listEl.append(el("li", "muted", "Nothing deleted."));
    countEl.textContent = String(deleted.length);
  }

  render();
  return {
    add(span) {
      deleted = [span, ...deleted.filter((s) => String(s.id) !== String(span.id))];
      render();
    },
    remove(id) {
      deleted = deleted.filter((s) => String(s.id) !== String(id));
      render();
    },
  };
}

// The document's rejected suggestions, read when the reviewer opens the section.
export function createRejected({ detailsEl, listEl, countEl, api, urls, labelNames, onBringBack }) {
  let loaded = [];

  function render() {
    listEl.replaceChildren(
      ...loaded.map((s) => {
        const li = el("li");
        li.dataset.suggestionId = s.id;
        li.append(el("span", `tag tag-${s.label.toLowerCase()}`, labelNames[s.label] || s.label), " ");
        li.append(el("q", "", excerpt(s.text, 80)), " ");
        const button = el("button", "", "Bring back");
        button.type = "button";
        button.setAttribute("aria-label", `Bring back the ${labelNames[s.label] || s.label} suggestion “${excerpt(s.text, 40)}”`);
        button.addEventListener("click", () => onBringBack(s));
        li.append(button);
        return li;
      }),
    );
    if (!loaded.length) listEl.append(el("li", "muted", "No rejected suggestions."));
    countEl.textContent = String(loaded.length);
  }

  async function load() {
    try {
      loaded = await api.suggestionsWithStatus(urls.suggestions, "rejected");
    } catch (error) {
      listEl.replaceChildren(el("li", "error", `Not loaded: ${error.message}`));
      return;
    }
    render();
  }

  detailsEl.addEventListener("toggle", () => {
    if (detailsEl.open) load();
  });
  return {
    load: () => (detailsEl.open ? load() : Promise.resolve()),
    remove(id) {
      loaded = loaded.filter((s) => String(s.id) !== String(id));
      render();
    },
  };
}
