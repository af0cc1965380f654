// The reviewer's workspace: wires the modules together. Each concern is its own module:
//   offsets.js  UTF-16 <-> code points, DOM points <-> offsets (the only place)
//   paint.js    highlights as nested <mark> elements     store.js    the spans the page knows
//   select.js   selection and the tag menu                caret.js    a caret for keyboard work
//   panel.js    the span panel                            list.js     the span list and filters
//   claim.js    a CLAIM's desk claim in the panel: wording, proposals, other mentions, ratings,
//               the desk's verdict (shown on every mention: a mark on the highlight and the list)
//   keyboard.js every shortcut, in one place              api.js      the REST API
//   suggestions.js machine suggestions: their layer, list, A/X/N and accept above a score
//   runs.js     the suggestion run's state and the Suggest button
//   matches.js  where else a QUOTE's or CLAIM's words appear in the story (outlet matches)
//   checks.js   claims already checked (a desk verdict, a fact-check): confirm or dismiss
//   words.js    a mouse selection grows to whole words   undo.js     Ctrl+Z: the last actions
//   live.js     others' spans, verdicts and reviews appear without a reload (polling, ETag)
//   trash.js    recently deleted spans and rejected suggestions, to bring back
// Machine suggestions are a second layer in `layers` below, with their own store.

import { createApi } from "./api.js";
import { createCaret } from "./caret.js";
import { createChecks } from "./checks.js";
import { bind, listen } from "./keyboard.js";
import { createList } from "./list.js";
import { createLive } from "./live.js";
import { speakerNames } from "./names.js";
import { createNotifier, excerpt } from "./notify.js";
import { OffsetMap } from "./offsets.js";
import { createPainter } from "./paint.js";
import { createPanel } from "./panel.js";
import { createRunState } from "./runs.js";
import { createSelection } from "./select.js";
import { SpanStore, draftSpan } from "./store.js";
import { createSuggestions } from "./suggestions.js";
import { createRejected, createTrash } from "./trash.js";
import { createUndo } from "./undo.js";

const data = JSON.parse(document.getElementById("workspace-data").textContent);
const byId = (id) => document.getElementById(id);
const container = byId("document-text");
const wrap = byId("text-wrap");
// The text comes once, in the article (cut into paragraphs by the server), not in the data.
const text = container.textContent;
const offsets = new OffsetMap(text);
const store = new SpanStore(data.spans);
const choices = {
  labels: Object.fromEntries(data.labels),
  ratings: Object.fromEntries(data.ratings),
  statuses: Object.fromEntries(data.statuses),
};
const api = createApi({
  root: data.api.root,
  csrfToken: document.querySelector("#span-form input[name=csrfmiddlewaretoken]").value,
});
const notify = createNotifier(byId("workspace-status"), byId("workspace-alert"));
const announce = (message) => {
  byId("workspace-announce").textContent = message;
};
const undo = createUndo({ notify });

// --- painting -------------------------------------------------------------------------------

let current = null; // the span J/K and Enter act on
const painter = createPainter(container, text, offsets);

function verdictWords(verdict) {
  return `${choices.ratings[verdict.rating] || verdict.rating}, ${(choices.statuses[verdict.review_status] || verdict.review_status).toLowerCase()}`;
}

// A moderator's decision, in words: the highlight's title says it (colour never says it alone).
function reviewWords(span) {
  if (span.review_status === "rejected") return `rejected${span.review_reason ? `: ${span.review_reason}` : ""}`;
  return span.review_status === "approved" ? "approved" : "";
}

function spanTitle(span) {
  const name = choices.labels[span.label] || span.label;
  let title = span.speaker ? `${name}: ${span.speaker}` : name;
  if (reviewWords(span)) title += ` · ${reviewWords(span)}`;
  return span.verdict ? `${title} · verdict: ${verdictWords(span.verdict)}` : title;
}

function spanItem(span) {
  return {
    key: `span:${span.id}`,
    start: span.start,
    end: span.end,
    rank: 0,
    decorate(mark) {
      let cls = `hl hl-${span.label.toLowerCase()}`;
      if (typeof span.id === "string") cls += " hl-pending";
      if (String(span.id) === String(current)) cls += " is-current";
      // The desk's verdict marks every mention of the claim, here and in every other article.
      if (span.verdict) cls += ` has-verdict verdict-${span.verdict.review_status}`;
      // Rejected: struck through and marked ✗; approved: marked ✓ (css), the title in words.
      if (span.review_status === "rejected" || span.review_status === "approved") cls += ` review-${span.review_status}`;
      mark.className = cls;
      mark.dataset.review = span.review_status;
      mark.dataset.spanId = span.id;
      mark.dataset.label = span.label;
      if (span.verdict) {
        mark.dataset.verdict = span.verdict.rating;
        mark.dataset.verdictStatus = span.verdict.review_status;
      }
      mark.title = spanTitle(span);
    },
  };
}

const suggestions = createSuggestions({
  initial: data.suggestions,
  spans: store,
  api,
  urls: data.api,
  draft: data.draft,
  notify,
  announce,
  labelNames: choices.labels,
  marksOf: (key) => painter.marksOf(key),
  listEl: byId("suggestion-list"),
  countEl: byId("suggestion-count"),
  hiddenEl: byId("suggestion-hidden"),
  threshold: data.suggestion_threshold,
  showLowEl: byId("suggestions-low"),
  showAllEl: byId("suggestions-on"),
  acceptForm: byId("accept-above"),
  acceptHintEl: byId("accept-above-hint"),
  confirmEl: byId("accept-above-confirm"),
  undo,
});

// Ways back: my deleted spans here, and the rejected suggestions.
const trash = createTrash({
  initial: data.deleted || [],
  listEl: byId("deleted-list"),
  countEl: byId("deleted-count"),
  labelNames: choices.labels,
  onRestore: (span) => restore(span),
});
const rejected = createRejected({
  detailsEl: byId("rejected-suggestions"),
  listEl: byId("rejected-list"),
  countEl: byId("rejected-count"),
  api,
  urls: data.api,
  labelNames: choices.labels,
  onBringBack: async (s) => {
    try {
      const back = await api.reopenSuggestions(data.api.reopen, [s.id]);
      suggestions.store.putAll(back);
      rejected.remove(s.id);
      notify.say(`${choices.labels[s.label]} suggestion back: “${excerpt(s.text, 50)}”.`);
    } catch (error) {
      notify.error(`The suggestion could not be brought back: ${error.message}`);
    }
  },
});
suggestions.onRejected(() => rejected.load());

// Claims of this article already checked; the span panel (claim.js) shows a CLAIM's own.
const checks = createChecks({
  initial: data.checks,
  url: data.api.claim_checks,
  api,
  spans: store,
  suggestions: suggestions.store,
  notify,
  listEl: byId("checked-list"),
  countEl: byId("checked-count"),
  sectionEl: byId("checked"),
  onOpenSpan: (id) => openSpan(id),
});

// Each layer returns the items to paint: spans, then machine suggestions.
const layers = [() => store.all().map(spanItem), suggestions.items];
const items = () => layers.flatMap((layer) => layer());
const marksOf = (id) => (id === null ? [] : painter.marksOf(`span:${id}`));
const rangesOf = (change) => (change.spans || [change.span]).map((s) => [s.start, s.end]);

// --- the list, the panel, selection ---------------------------------------------------------

const list = createList({
  listEl: byId("span-list"),
  countEl: byId("span-count"),
  labelFilter: byId("filter-label"),
  statusFilter: byId("filter-status"),
  store,
  labelNames: choices.labels,
  statusNames: choices.statuses,
  verdictWords,
  onOpen: (id) => openSpan(id),
});

const panel = createPanel({
  root: byId("span-panel"),
  compareUrl: data.compare, // where else a QUOTE's or CLAIM's words appear links there
  store,
  api,
  notify,
  undo,
  choices,
  me: data.me.username,
  documentId: data.document.id,
  names: () => speakerNames(data.people || [], store.all()),
  onOpen: (id, alsoHere) => openSpan(id, alsoHere),
  onClose: () => {
    marksOf(current)[0]?.scrollIntoView({ block: "nearest" });
  },
  onDeleted: (span) => deleted(span),
});

const caret = createCaret({ container, wrap, bar: byId("text-caret") });
const selection = createSelection({ container, wrap, menu: byId("tag-menu"), offsets, onTag: createSpan });

// Run once the next frame is on screen: what is beside the text follows the text.
const afterFrame = (run) => requestAnimationFrame(() => setTimeout(run, 0));

let listChanges = null; // the store's changes the list has not followed yet
function scheduleList(change) {
  // The highlight is painted at once; the list follows a moment later, off the hot path.
  if (listChanges) {
    listChanges.push(change);
    return;
  }
  listChanges = [change];
  afterFrame(() => {
    const changes = listChanges;
    listChanges = null;
    list.update(changes);
    list.setCurrent(current, { scroll: false });
  });
}

store.onChange((change) => {
  painter.update(items(), rangesOf(change));
  scheduleList(change);
  panel.refresh(change);
});

suggestions.store.onChange((change) => {
  painter.update(items(), rangesOf(change));
  suggestions.render();
});

createRunState({
  stateEl: byId("run-state"),
  button: byId("suggest-button"),
  api,
  urls: data.api,
  initial: data.run,
  notify,
  onDone: () => {
    suggestions.reload();
    checks.afterRun();
  },
});

function setCurrent(id, { scroll = true } = {}) {
  for (const mark of marksOf(current)) mark.classList.remove("is-current");
  current = id === null ? null : String(id);
  const marks = marksOf(current);
  for (const mark of marks) mark.classList.add("is-current");
  if (scroll && marks[0]) marks[0].scrollIntoView({ block: "center" });
  list.setCurrent(current, { scroll });
}

function openSpan(id, alsoHere = [], options = {}) {
  const span = store.get(id);
  if (!span) return;
  if (typeof span.id === "string") {
    notify.say("This span is still being saved.");
    return;
  }
  setCurrent(span.id);
  panel.open(span.id, alsoHere, options);
}

// A span of mine deleted (the panel, or an undone tag): listed under "Recently deleted", and
// restorable from there, from the message's Undo and with Ctrl+Z.
function deleted(span, { quiet = false } = {}) {
  trash.add({ ...span, deleted: true });
  if (quiet) return;
  notify.say(`${choices.labels[span.label]} deleted: “${excerpt(span.text, 50)}”.`, {
    timeout: 8000,
    action: { label: "Undo", run: () => restore(span) },
  });
  undo.push(`deleting the ${choices.labels[span.label]} “${excerpt(span.text, 40)}”`, () => restore(span, { strict: true }));
}

async function createSpan({ label, start, end, text: selected, endUnits }) {
  notify.clearError();
  const draftId = `new-${start}-${end}-${label}`;
  store.put(draftSpan(data.draft, { id: draftId, label, start, end, text: selected }));
  if (caret.focused()) caret.placeAt(endUnits);
  try {
    const saved = await api.createSpan(data.api.spans, { label, start, end, text: selected });
    store.put(saved, { replacing: draftId });
    setCurrent(saved.id, { scroll: false });
    if (caret.focused()) caret.placeAt(endUnits);
    notify.say(`${choices.labels[label]} saved: “${excerpt(selected, 60)}”.`);
    undo.push(`tagging “${excerpt(selected, 40)}” as ${choices.labels[label]}`, async () => {
      const now = store.get(saved.id);
      if (!now) return;
      await api.deleteSpan(now.id, now.version);
      store.remove(now.id);
      deleted(now, { quiet: true });
    });
    // A new CLAIM shows its desk claim and the ones it may belong to, beside the work: the
    // keyboard stays where it was.
    if (label === "CLAIM") openSpan(saved.id, [], { focus: false });
  } catch (error) {
    store.remove(draftId);
    notify.error(`The ${choices.labels[label]} was not saved, so its highlight was removed: ${error.message}`);
  }
}

async function restore(span, { strict = false } = {}) {
  try {
    const restored = await api.restoreSpan(span.id);
    store.put(restored);
    trash.remove(restored.id);
    notify.say(`${choices.labels[restored.label]} restored: “${excerpt(restored.text, 50)}”.`);
  } catch (error) {
    if (strict) throw error; // Ctrl+Z reports it itself
    notify.error(`The span could not be restored: ${error.message}`);
  }
}

// Clicking a highlight opens its span (the innermost); the panel offers the others there. A span
// wins over a suggestion on the same words, inside it or around it: the reviewer's own work is
// what a click opens. Only a click on a suggestion with no span there makes it the current one
// (A, X act on it); the list and N reach the others.
container.addEventListener("click", (event) => {
  const chosen = document.getSelection();
  if (chosen && !chosen.isCollapsed && chosen.toString().trim()) return; // a drag, not a click
  const innermost = event.target.closest("mark");
  const underSpan = event.target.closest("mark[data-span-id]");
  if (!underSpan && innermost?.dataset.suggestionId && container.contains(innermost)) {
    suggestions.setCurrent(innermost.dataset.suggestionId, { scroll: false });
    return;
  }
  const mark = event.target.closest("mark[data-span-id]");
  if (!mark || !container.contains(mark)) return;
  const ids = [];
  for (let node = mark; node && node !== container; node = node.parentElement) {
    const id = node.dataset.spanId;
    if (id && !ids.includes(id)) ids.push(id);
  }
  openSpan(ids[0], ids.slice(1));
});

// --- keys ------------------------------------------------------------------------------------

function step(delta) {
  const order = list.order();
  if (!order.length) return;
  const at = order.findIndex((id) => String(id) === String(current));
  const next = at === -1 ? (delta > 0 ? 0 : order.length - 1) : (at + delta + order.length) % order.length;
  setCurrent(order[next]);
  const span = store.get(order[next]);
  if (caret.focused()) caret.placeAt(offsets.toUnits(span.start));
  announce(`${choices.labels[span.label]} ${next + 1} of ${order.length}: ${span.text.slice(0, 120)}`);
}

const inText = () => document.activeElement === container || container.contains(document.activeElement);

for (const [key, label] of [["c", "CLAIM"], ["q", "QUOTE"], ["o", "OPINION"]]) {
  bind({ keys: [key], when: selection.ready, run: () => selection.tag(label), help: `Tag as ${choices.labels[label]}` });
}
bind({ keys: ["Escape"], when: selection.isOpen, run: selection.cancel, help: "Cancel the tag menu" });
bind({
  keys: ["Escape"],
  when: panel.isOpen,
  inFields: true,
  run: () => {
    panel.close();
    container.focus({ preventScroll: true });
    if (current !== null && store.get(current)) caret.placeAt(offsets.toUnits(store.get(current).start));
  },
  help: "Close the span panel",
});
bind({ keys: ["j"], run: () => step(1), help: "Next span" });
bind({ keys: ["n"], when: () => !selection.isOpen(), run: suggestions.next, help: "Next open suggestion" });
bind({
  keys: ["a"],
  when: () => suggestions.hasCurrent() && !selection.isOpen(),
  run: suggestions.accept,
  help: "Accept the current suggestion",
});
bind({
  keys: ["x"],
  when: () => suggestions.hasCurrent() && !selection.isOpen(),
  run: suggestions.reject,
  help: "Reject the current suggestion",
});
bind({ keys: ["k"], run: () => step(-1), help: "Previous span" });
bind({ keys: ["ctrl+z"], run: () => undo.undo(), help: "Undo the last action" });
bind({
  keys: ["Enter"],
  when: () => current !== null && !selection.isOpen() && (inText() || document.activeElement === document.body),
  run: () => openSpan(current),
  help: "Open the current span",
});
const ARROWS = {
  ArrowRight: ["forward", "character"],
  ArrowLeft: ["backward", "character"],
  ArrowDown: ["forward", "line"],
  ArrowUp: ["backward", "line"],
  Home: ["backward", "lineboundary"],
  End: ["forward", "lineboundary"],
};
for (const [key, [direction, granularity]] of Object.entries(ARROWS)) {
  // With Ctrl: by word instead of character, to the text's start or end instead of the line's.
  const wider = { character: "word", lineboundary: "documentboundary" }[granularity] || granularity;
  const moves = [
    [key, false, granularity],
    [`shift+${key}`, true, granularity],
    [`ctrl+${key}`, false, wider],
    [`ctrl+shift+${key}`, true, wider],
  ];
  for (const [name, extend, unit] of moves) {
    bind({
      keys: [name],
      when: caret.focused,
      run: () => {
        caret.move(direction, unit, extend);
        if (extend) selection.check();
      },
    });
  }
}
listen();

// A link to one span of this page ("Also in", the review page): #span-<id> opens it.
function openFromHash() {
  const found = /^#span-(\d+)$/.exec(window.location.hash);
  if (found && store.get(found[1])) openSpan(found[1]);
}
window.addEventListener("hashchange", openFromHash);

// --- first paint -----------------------------------------------------------------------------

// The text and its highlights make the first frame on their own; the lists beside it (thousands
// of entries on a long article) are built just after it.
painter.paint(items());
openFromHash();
container.dataset.painted = "true"; // tests and benchmarks wait for this
afterFrame(() => {
  list.render();
  list.setCurrent(current); // a span opened from the address (#span-<id>): its entry in view
  suggestions.render();
});

// Others' work appears as it is saved: their new spans, verdicts and a moderator's decisions.
createLive({
  url: data.api.live,
  tag: data.live_tag,
  store,
  me: data.me.username,
  onChanges: ({ theirs, gone }) => {
    if (current !== null && !store.get(current)) setCurrent(null, { scroll: false });
    if (panel.isOpen() && !store.get(panel.currentId())) panel.close();
    const parts = [];
    if (theirs) parts.push(`${theirs} span${theirs === 1 ? "" : "s"} changed by others`);
    if (gone.length) parts.push(`${gone.length} removed`);
    if (parts.length) announce(`Updated: ${parts.join(", ")}.`);
  },
});
performance.mark("workspace-painted");
// After the next frame the highlights are on screen: benchmarks/workspace_speed.py reads this.
requestAnimationFrame(() => setTimeout(() => performance.mark("workspace-shown"), 0));
