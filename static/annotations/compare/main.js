// The comparison page: two or three articles of a story side by side, and the matches between
// them. Each article is painted with the workspace's painter (offsets.js converts code points, the
// only place that does); a match is one highlight in each of its two articles. Choosing a match
// (the list, a click on a highlight, J/K) highlights both sides and scrolls each text to its own;
// a quote's differing words are boxed inside it in both texts, a number told differently carries
// the other article's figure, a loaded term the neutral words the other article uses. C and X
// confirm and dismiss through the API; a confirmed claim match joins both sides in one desk claim.

import { createApi } from "../workspace/api.js";
import { bind, listen } from "../workspace/keyboard.js";
import { createNotifier } from "../workspace/notify.js";
import { OffsetMap } from "../workspace/offsets.js";
import { createPainter } from "../workspace/paint.js";
import { KIND_NAMES, RELATIONS, clip, differencesText, loadedText, other, speakerOf, summary, valuesText } from "./describe.js";

const data = JSON.parse(document.getElementById("compare-data").textContent);
const byId = (id) => document.getElementById(id);
const csrf = document.querySelector("#csrf-holder input[name=csrfmiddlewaretoken]");
const api = createApi({ root: data.api.root, csrfToken: csrf ? csrf.value : "" });
const notify = createNotifier(byId("compare-status"), byId("compare-alert"));
const announce = (message) => {
  byId("compare-announce").textContent = message;
};

const KIND_ORDER = { quote: 0, claim: 1, number: 2, loaded: 3 };
const kindName = (kind) => KIND_NAMES[kind] || kind;
const statusName = (status) => Object.fromEntries(data.statuses)[status] || status;

const columnsEl = document.querySelector(".compare-columns");
const columns = new Map(); // document id -> { document, container, painter, offsets }
for (const document_ of data.documents) {
  const container = byId(`text-${document_.id}`);
  const offsets = new OffsetMap(document_.text);
  columns.set(document_.id, { document: document_, container, offsets, painter: createPainter(container, document_.text, offsets) });
}
const titleOf = (id) => (columns.get(id) ? columns.get(id).document.title : `article ${id}`);

const matches = new Map(data.matches.map((m) => [String(m.id), m]));
let current = null; // the chosen match's id (a string)

// --- what a match paints ----------------------------------------------------------------------

const filterKind = byId("filter-kind");
const filterStatus = byId("filter-status");

function visible(match) {
  const statuses = filterStatus.value ? filterStatus.value.split(",") : null;
  if (statuses && !statuses.includes(match.status)) return false;
  if (filterKind.value && match.kind !== filterKind.value) return false;
  return columns.has(match.a.document) && columns.has(match.b.document);
}

function sideTitle(match, side) {
  const there = other(side);
  const where = `in “${clip(titleOf(match[there].document), 60)}”`;
  switch (match.kind) {
    case "quote": {
      const speaker = speakerOf(match);
      const how = match.details.wording === "identical" ? "same words" : `worded differently: ${differencesText(match, side)}`;
      return `Quote${speaker ? ` of ${speaker}` : ""}, also ${where}; ${how}`;
    }
    case "number":
      return `Number: ${valuesText(match, side)}; the other figure is ${where}`;
    case "loaded":
      return side === "a"
        ? `Loaded wording: ${loadedText(match)}, the neutral words ${where}`
        : `Neutral wording for the loaded “${match.details.term || match.a.text}” ${where}`;
    default:
      return `Claim, also ${where}`;
  }
}

function sideItem(match, side) {
  const id = String(match.id);
  const there = other(side);
  return {
    key: `m${id}`,
    start: match[side].start,
    end: match[side].end,
    rank: KIND_ORDER[match.kind],
    decorate(mark) {
      let cls = `cm cm-${match.kind} cm-${match.status}`;
      if (match.kind === "loaded") cls += side === "a" ? " cm-loaded-term" : " cm-neutral";
      if (id === current) cls += " is-current";
      mark.className = cls;
      mark.dataset.match = id;
      mark.dataset.side = side;
      mark.title = sideTitle(match, side);
      if (match.kind === "number") {
        const values = match.details.value || {};
        mark.dataset.other = values[there] ? values[there].text : match[there].text;
        mark.dataset.relation = match.details.relation || "";
      } else if (match.kind === "loaded" && side === "a") {
        mark.dataset.other = match.details.neutral || match.b.text;
      }
    },
  };
}

function differenceItems(match, side) {
  const id = String(match.id);
  const there = other(side);
  return (match.details.differences || [])
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d[`${side}_end`] > d[`${side}_start`])
    .map(({ d, i }) => ({
      key: `d${id}-${i}`,
      start: d[`${side}_start`],
      end: d[`${side}_end`],
      rank: 9, // inside the quote's own highlight
      decorate(mark) {
        mark.className = `cm-diff${id === current ? " is-current" : ""}`;
        mark.dataset.match = id;
        mark.dataset.other = d[there] || "";
        mark.title = `“${d[side]}” here; “${d[there] || ""}” in “${clip(titleOf(match[there].document), 60)}”`;
      },
    }));
}

function itemsOf(documentId) {
  const items = [];
  for (const match of matches.values()) {
    if (!visible(match)) continue;
    for (const side of ["a", "b"]) {
      if (match[side].document !== documentId) continue;
      items.push(sideItem(match, side));
      if (match.kind === "quote") items.push(...differenceItems(match, side));
    }
  }
  return items;
}

function paintAll() {
  for (const [id, column] of columns) column.painter.paint(itemsOf(id));
}

function repaint(match) {
  for (const side of ["a", "b"]) {
    const column = columns.get(match[side].document);
    if (column) column.painter.update(itemsOf(match[side].document), [[match[side].start, match[side].end]]);
  }
}

function marksOf(match, side) {
  const column = columns.get(match[side].document);
  if (!column) return [];
  const diffs = (match.details.differences || []).flatMap((_, i) => column.painter.marksOf(`d${match.id}-${i}`));
  return [...column.painter.marksOf(`m${match.id}`), ...diffs];
}

// Scroll the article's own box (not the page) so the mark stands in its middle.
function scrollWithin(box, mark) {
  const outer = box.getBoundingClientRect();
  const inner = mark.getBoundingClientRect();
  box.scrollTop += inner.top - outer.top - (box.clientHeight - inner.height) / 2;
}

// --- the list ---------------------------------------------------------------------------------

const listEl = byId("match-list");
const countEl = byId("match-count");
const firstDocument = data.documents[0].id;

function order() {
  const shown = [...matches.values()].filter(visible);
  // Reading order: by kind, then where each stands in the leftmost article it is in.
  const place = (m) => {
    const index = data.documents.findIndex((d) => d.id === m.a.document || d.id === m.b.document);
    const side = m.a.document === data.documents[index].id ? "a" : "b";
    return [index, m[side].start];
  };
  shown.sort((x, y) => {
    const [px, sx] = place(x);
    const [py, sy] = place(y);
    return KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || px - py || sx - sy || x.id - y.id;
  });
  return shown;
}

function hereSide(match) {
  return match.a.document === firstDocument || !columns.has(match.b.document) ? "a" : "b";
}

function renderList() {
  const shown = order();
  countEl.textContent = String(shown.length);
  listEl.replaceChildren(
    ...shown.map((match) => {
      const item = document.createElement("li");
      item.className = `match-item status-${match.status}`;
      item.dataset.match = match.id;
      if (String(match.id) === current) item.setAttribute("aria-current", "true");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "match-entry";
      const here = hereSide(match);
      const tag = document.createElement("span");
      tag.className = `tag tag-${match.kind}`;
      tag.textContent = kindName(match.kind);
      const words = document.createElement("span");
      words.className = "entry-text";
      words.textContent = ` ${clip(match[here].text, 90)}`;
      const meta = document.createElement("span");
      meta.className = "entry-meta";
      meta.textContent = `${summary(match, here)} · ${statusName(match.status)}`;
      button.append(tag, words, meta);
      button.addEventListener("click", () => choose(match.id));
      item.append(button);
      return item;
    }),
  );
  if (!shown.length) {
    const empty = document.createElement("li");
    empty.className = "muted";
    empty.textContent = "No matches here with these filters.";
    listEl.append(empty);
  }
}

// --- the detail -------------------------------------------------------------------------------

const detailEl = byId("match-detail");

function fact(list, term, value) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  list.append(dt, dd);
}

function renderDetail() {
  const match = current === null ? null : matches.get(current);
  detailEl.hidden = match === null;
  if (!match) return;
  const speaker = match.kind === "quote" ? speakerOf(match) : "";
  byId("match-detail-title").textContent = `${kindName(match.kind)}${speaker ? `: ${speaker}` : ""}`;
  byId("match-reason").textContent = match.reason;
  const facts = byId("match-facts");
  facts.replaceChildren();
  for (const side of ["a", "b"]) fact(facts, `In “${clip(titleOf(match[side].document), 70)}”`, match[side].text);
  if (match.kind === "quote") {
    fact(facts, "Wording", match.details.wording === "identical" ? "identical" : "differs");
    if ((match.details.differences || []).length) fact(facts, "Words that differ", differencesText(match, "a"));
  } else if (match.kind === "number") {
    if (match.details.quantity) fact(facts, "Quantity", match.details.quantity);
    fact(facts, "Values", valuesText(match, "a"));
    fact(facts, "Both true?", RELATIONS[match.details.relation] || match.details.relation || "");
  } else if (match.kind === "loaded") {
    fact(facts, "Loaded term", `“${match.details.term || match.a.text}” (${match.details.category || "loaded"})`);
    fact(facts, "Neutral counterpart", `“${match.details.neutral || match.b.text}”`);
  } else if ((match.details.shared || []).length) {
    fact(facts, "Shared words", match.details.shared.join(", "));
  }
  let status = `Status: ${statusName(match.status)}`;
  if (match.decided_by) status += ` by ${match.decided_by}`;
  byId("match-status").textContent = status;
  const confirm = byId("match-confirm");
  if (confirm) {
    confirm.hidden = match.status === "confirmed";
    byId("match-dismiss").hidden = match.status === "dismissed";
    byId("match-reopen").hidden = match.status === "open";
    confirm.textContent = match.kind === "claim" ? "Confirm: one desk claim" : "Confirm";
  }
  byId("match-error").hidden = true;
}

// --- choosing ---------------------------------------------------------------------------------

function setCurrentMarks(match, on) {
  if (!match) return;
  for (const side of ["a", "b"]) for (const mark of marksOf(match, side)) mark.classList.toggle("is-current", on);
}

function choose(id, { scroll = true, focusDetail = false } = {}) {
  const match = matches.get(String(id));
  if (!match) return;
  setCurrentMarks(current === null ? null : matches.get(current), false);
  current = String(match.id);
  setCurrentMarks(match, true);
  for (const item of listEl.querySelectorAll("li[data-match]")) {
    if (item.dataset.match === current) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
  const entry = listEl.querySelector(`li[data-match="${current}"]`);
  if (entry) entry.scrollIntoView({ block: "nearest" });
  if (scroll) {
    // The texts fill the window below their titles: bring them up, then each to its side.
    const top = columnsEl.getBoundingClientRect().top;
    if (top > 8 || top < -8) columnsEl.scrollIntoView({ block: "start" });
    for (const side of ["a", "b"]) {
      const column = columns.get(match[side].document);
      const mark = column ? column.painter.marksOf(`m${match.id}`)[0] : null;
      if (mark) scrollWithin(column.container, mark);
    }
  }
  renderDetail();
  if (focusDetail) byId("match-detail-title").focus({ preventScroll: true });
  history.replaceState(null, "", `#match-${current}`);
  const at = order().findIndex((m) => String(m.id) === current);
  announce(`${kindName(match.kind)}${at >= 0 ? ` ${at + 1} of ${order().length}` : ""}: ${summary(match, hereSide(match))}`);
}

function step(delta) {
  const shown = order();
  if (!shown.length) return;
  const at = shown.findIndex((m) => String(m.id) === current);
  const next = at === -1 ? (delta > 0 ? 0 : shown.length - 1) : (at + delta + shown.length) % shown.length;
  choose(shown[next].id);
}

for (const column of columns.values()) {
  column.container.addEventListener("click", (event) => {
    const chosen = document.getSelection();
    if (chosen && !chosen.isCollapsed && chosen.toString().trim()) return; // a drag, not a click
    const mark = event.target.closest("mark[data-match]");
    if (mark && column.container.contains(mark)) choose(mark.dataset.match);
  });
}

// --- deciding ---------------------------------------------------------------------------------

async function decide(decision) {
  const match = current === null ? null : matches.get(current);
  if (!match || !data.can_decide) return;
  const errorEl = byId("match-error");
  errorEl.hidden = true;
  try {
    const saved = await api.decideMatch(match.id, decision);
    matches.set(String(saved.id), saved);
    repaint(saved);
    renderList();
    renderDetail();
    setCurrentMarks(saved, true);
    let message = `${kindName(saved.kind)} ${statusName(saved.status)}.`;
    if (saved.kind === "claim" && saved.status === "confirmed") {
      message = "Claim confirmed: both sides are now mentions of one desk claim, and its verdict shows on both.";
    }
    notify.say(message, { timeout: 6000 });
    announce(message);
  } catch (error) {
    errorEl.textContent = `Not saved: ${error.message}`;
    errorEl.hidden = false;
  }
}

if (data.can_decide) {
  byId("match-confirm").addEventListener("click", () => decide("confirm"));
  byId("match-dismiss").addEventListener("click", () => decide("dismiss"));
  byId("match-reopen").addEventListener("click", () => decide("reopen"));
}

// --- keys and filters -------------------------------------------------------------------------

bind({ keys: ["j"], run: () => step(1), help: "Next match" });
bind({ keys: ["k"], run: () => step(-1), help: "Previous match" });
bind({ keys: ["c"], when: () => data.can_decide && current !== null, run: () => decide("confirm"), help: "Confirm the match" });
bind({ keys: ["x"], when: () => data.can_decide && current !== null, run: () => decide("dismiss"), help: "Dismiss the match" });
listen();

for (const filter of [filterKind, filterStatus]) {
  filter.addEventListener("change", () => {
    if (current !== null && !visible(matches.get(current))) {
      current = null;
      renderDetail();
    }
    paintAll();
    renderList();
  });
}

// --- first paint ------------------------------------------------------------------------------

paintAll();
renderList();
const linked = /^#match-(\d+)$/.exec(window.location.hash);
if (linked && matches.has(linked[1])) {
  const match = matches.get(linked[1]);
  if (!visible(match)) filterStatus.value = "";
  if (!visible(match)) filterKind.value = "";
  paintAll();
  renderList();
  choose(linked[1]);
}
document.body.dataset.comparePainted = "true"; // tests wait for this
