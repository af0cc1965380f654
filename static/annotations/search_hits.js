// Marks where an article matches the search it was opened from (?q=, passed by the project's
// document list): the query's words, found at the start of the article's words, shown with the
// CSS Custom Highlight API. It never changes the article's DOM, so the workspace's own painting
// of spans and suggestions (and its offsets) is untouched; it marks again whenever that
// painting replaces the text's nodes.

const OPERATORS = new Set(["or", "and"]);
// Trimmed so that a search for "claims" also marks "claimed", as the server's stemming matched.
const ENDINGS = /(?:ing|ed|es|s)$/u;

export function hitWords(query) {
  const words = [];
  for (const token of query.slice(0, 200).split(/\s+/u)) {
    if (!token || token.startsWith("-")) continue;
    for (const word of token.match(/[\p{L}\p{N}_]+/gu) || []) {
      const lower = word.toLocaleLowerCase();
      if (lower.length < 2 || OPERATORS.has(lower)) continue;
      const stem = lower.length > 4 ? lower.replace(ENDINGS, "") : lower;
      if (!words.includes(stem)) words.push(stem);
    }
  }
  return words;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

function markHits(container, words) {
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}_])(?:${words.map(escapeRegExp).join("|")})[\\p{L}\\p{N}_]*`,
    "giu",
  );
  const ranges = [];
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const found of node.data.matchAll(pattern)) {
      const range = new Range();
      range.setStart(node, found.index);
      range.setEnd(node, found.index + found[0].length);
      ranges.push(range);
    }
  }
  CSS.highlights.set("search-hit", new Highlight(...ranges));
  return ranges;
}

function start() {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  const container = document.getElementById("document-text");
  const words = hitWords(query);
  if (!container || !words.length || !("highlights" in CSS)) return;
  const status = document.createElement("p");
  status.id = "search-hits";
  status.className = "search-hits";
  status.setAttribute("role", "status");
  container.closest(".workspace")?.before(status);
  let first = true;
  const refresh = () => {
    const ranges = markHits(container, words);
    status.textContent = ranges.length
      ? `${ranges.length} place${ranges.length === 1 ? "" : "s"} in the text match “${query}”, marked in the article.`
      : `“${query}” is not in the text itself: it matched the title, outlet, author, or a span's speaker or note.`;
    if (first && ranges.length) {
      first = false;
      ranges[0].startContainer.parentElement?.scrollIntoView({ block: "center" });
    }
  };
  let pending = 0;
  new MutationObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(refresh);
  }).observe(container, { childList: true, subtree: true, characterData: true });
  refresh();
}

start();
