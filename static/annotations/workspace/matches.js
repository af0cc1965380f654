// Where else a QUOTE's or a CLAIM's words appear: the outlet matches of this article (within its
// story, not dismissed) one side of which is the span, each with the other article, how it
// differs there (the differing words of a quote, the other figure of a number) and a link to the
// comparison page at that match. Read from the API when the panel opens the span.

import { KIND_NAMES, clip, other, summary } from "../compare/describe.js";

const LABELS = ["QUOTE", "CLAIM"];

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

// “jihadists” here, “militants” there: each pair of differing words marked.
function differences(match, here) {
  const there = other(here);
  const out = el("span", "match-diffs");
  for (const [i, d] of (match.details.differences || []).entries()) {
    if (i) out.append("; ");
    out.append(el("mark", "", d[here] || "—"), " here, ", el("mark", "", d[there] || "—"), " there");
  }
  return out;
}

export function createMatchSection({ root, api, compareUrl, documentId }) {
  const section = root.querySelector("#span-matches");
  const list = root.querySelector("#span-match-list");
  const state = root.querySelector("#span-match-status");
  let asked = 0; // the latest request: an older answer arriving late is dropped

  function close() {
    asked++;
    section.hidden = true;
    list.replaceChildren();
  }

  function entry(match) {
    const here = match.a.document === documentId ? "a" : "b";
    const there = other(here);
    const item = el("li", `status-${match.status}`);
    item.dataset.match = match.id;
    item.append(el("span", "match-kind", `${KIND_NAMES[match.kind] || match.kind}: `));
    const how = el("span", "match-how");
    if (match.kind === "quote" && (match.details.differences || []).length) how.append("Worded differently: ", differences(match, here));
    else how.textContent = summary(match, here);
    item.append(how);
    if (match.kind !== "number" && match.kind !== "loaded") item.append(el("q", "match-there", clip(match[there].text, 160)));
    const link = el("a", "", "Compare side by side");
    const query = new URLSearchParams({ documents: `${documentId},${match[there].document}` });
    link.href = `${compareUrl}?${query}#match-${match.id}`;
    item.append(" ", link);
    if (match.status === "confirmed") item.append(el("span", "muted", ` · confirmed${match.decided_by ? ` by ${match.decided_by}` : ""}`));
    return item;
  }

  async function open(span) {
    if (!compareUrl || !span || !LABELS.includes(span.label) || typeof span.id === "string") {
      close();
      return;
    }
    const mine = ++asked;
    section.hidden = false;
    list.replaceChildren();
    state.textContent = "Looking in the story’s other articles…";
    let found;
    try {
      found = await api.spanMatches(span.id);
    } catch (error) {
      if (mine === asked) state.textContent = `Could not look: ${error.message}`;
      return;
    }
    if (mine !== asked) return;
    // By article, in the order of their best match.
    const groups = new Map();
    for (const match of found) {
      const there = match.a.document === documentId ? match.b : match.a;
      if (!groups.has(there.document)) groups.set(there.document, { side: there, matches: [] });
      groups.get(there.document).matches.push(match);
    }
    list.replaceChildren(
      ...[...groups.values()].map(({ side, matches }) => {
        const group = el("li", "match-article");
        group.dataset.document = side.document;
        const outlet = side.outlet ? ` (${side.outlet})` : "";
        group.append(el("strong", "", `In “${clip(side.title, 120)}”${outlet}`));
        const inner = el("ul");
        inner.append(...matches.map(entry));
        group.append(inner);
        return group;
      }),
    );
    state.textContent = found.length ? "" : "Not found in the story’s other articles.";
  }

  return { open, close };
}
