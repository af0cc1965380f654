// Machine suggestions in the workspace: their own highlight layer (dashed, lighter, the reason
// and score in the title), a list beside the text, and the decisions: accept (A), reject (X),
// next (N), and accept all above a score. Accepting turns the suggestion into a span at once
// (a pending highlight, replaced by the span the API answers with); if the server refuses, the
// suggestion comes back and the reason is shown, as for spans.
//
// Fewer, better first: a suggestion scoring below the project's display threshold is hidden
// until the reviewer shows those too, one on exactly the words of a span of its label is not
// shown again, a switch hides them all, and the list goes by score, then text order.
//
// Every decision can be taken back: Ctrl+Z (undo.js) reopens what was accepted or rejected
// (the accepted span deleted), and "accept all" first says how many it will accept and asks.

import { excerpt } from "./notify.js";
import { SpanStore, draftSpan } from "./store.js";

const SNIPPET = 90;

// Text order, then the id: the store's order, and the tie-break of the list's.
function compare(a, b) {
  return a.start - b.start || a.end - b.end || String(a.id).localeCompare(String(b.id));
}

// The list's order: the highest score first, then text order. N walks the text in reading order.
function byScore(a, b) {
  return Number(b.score) - Number(a.score) || compare(a, b);
}

export function createSuggestions({
  initial,
  spans,
  api,
  urls,
  draft,
  notify,
  announce,
  labelNames,
  marksOf,
  listEl,
  countEl,
  hiddenEl,
  threshold,
  showLowEl,
  showAllEl,
  acceptForm,
  acceptHintEl,
  confirmEl,
  undo,
}) {
  const rejectedListeners = [];
  const store = new SpanStore(initial);
  const below = Number(threshold?.value ?? 0);
  let current = null; // the suggestion A and X act on (a string id)
  let cursor = null; // where N goes on from once the current one is decided
  const entries = new Map(); // suggestion id -> <li>

  const name = (s) => labelNames[s.label] || s.label;
  const score = (s) => Number(s.score).toFixed(2);
  const snippet = (text) => excerpt(text, SNIPPET);

  // --- which are shown ----------------------------------------------------------------------

  const wordsOf = (s) => `${s.label}:${s.start}:${s.end}`;

  function shown() {
    if ((showAllEl && !showAllEl.checked) || !store.all().length) return [];
    const low = showLowEl?.checked;
    const tagged = new Set(spans.all().map(wordsOf));
    return store
      .all()
      .filter((s) => (low || Number(s.score) >= below) && !tagged.has(wordsOf(s)))
      .sort(byScore);
  }

  // --- painting: one item a suggestion, for paint.js --------------------------------------

  function items() {
    return shown().map((s) => ({
      key: `suggestion:${s.id}`,
      start: s.start,
      end: s.end,
      rank: 1, // a span over the same words wraps the suggestion, so a click finds the suggestion
      decorate(mark) {
        let cls = `hl-suggestion hl-suggestion-${s.label.toLowerCase()}`;
        if (String(s.id) === current) cls += " is-current";
        mark.className = cls;
        mark.dataset.suggestionId = s.id;
        mark.dataset.label = s.label;
        const speaker = s.label === "QUOTE" && s.speaker ? ` (speaker: ${s.speaker})` : "";
        // The title names it; a <mark> may not carry an aria-label (ARIA forbids naming it).
        mark.title = `Suggested ${name(s)}${speaker}, score ${score(s)}: ${s.reason}`;
      },
    }));
  }

  // --- the list -----------------------------------------------------------------------------

  function entry(s) {
    const li = document.createElement("li");
    li.dataset.suggestionId = s.id;
    li.dataset.label = s.label;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "span-entry suggestion-entry";
    const tag = document.createElement("span");
    tag.className = `tag tag-${s.label.toLowerCase()}`;
    tag.textContent = name(s);
    const scoreEl = document.createElement("span");
    scoreEl.className = "score";
    scoreEl.textContent = score(s);
    const quote = document.createElement("q");
    quote.textContent = snippet(s.text);
    button.append(tag, " ", scoreEl, " ", quote);
    if (s.label === "QUOTE" && s.speaker) {
      const speaker = document.createElement("span");
      speaker.className = "speaker";
      speaker.textContent = ` — ${s.speaker}`;
      button.append(speaker);
    }
    const reason = document.createElement("span");
    reason.className = "muted entry-meta";
    reason.textContent = s.reason;
    button.append(reason);
    const actions = document.createElement("span");
    actions.className = "entry-actions";
    for (const [action, text] of [
      ["accept", "Accept"],
      ["reject", "Reject"],
    ]) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.action = action;
      b.textContent = text;
      b.setAttribute("aria-label", `${text} the ${name(s)} suggestion “${snippet(s.text)}”`);
      actions.append(b);
    }
    li.append(button, actions);
    if (String(s.id) === current) li.setAttribute("aria-current", "true");
    return li;
  }

  function render() {
    entries.clear();
    const fragment = document.createDocumentFragment();
    const visible = shown();
    for (const s of visible) {
      const li = entry(s);
      entries.set(String(s.id), li);
      fragment.append(li);
    }
    listEl.replaceChildren(fragment);
    countEl.textContent = String(visible.length);
    if (hiddenEl) hiddenEl.textContent = String(store.all().length - visible.length);
    if (current !== null && !entries.has(current)) current = null;
    hintAbove();
  }

  // A switch changed what is shown: paint every suggestion's words again, and the list.
  function showAgain() {
    store.changed({ kind: "bulk", spans: store.all() });
  }

  // --- the current suggestion ---------------------------------------------------------------

  function setCurrent(id, { scroll = true } = {}) {
    for (const mark of marksOf(`suggestion:${current}`)) mark.classList.remove("is-current");
    entries.get(String(current))?.removeAttribute("aria-current");
    const s = id === null ? null : store.get(id);
    current = s ? String(s.id) : null;
    if (!s) return;
    cursor = s;
    const marks = marksOf(`suggestion:${current}`);
    for (const mark of marks) mark.classList.add("is-current");
    const li = entries.get(current);
    li?.setAttribute("aria-current", "true");
    if (scroll) {
      marks[0]?.scrollIntoView({ block: "center" });
      li?.scrollIntoView({ block: "nearest" });
    }
  }

  function next() {
    const all = shown().sort(compare);
    if (!all.length) {
      notify.say(store.all().length ? "No suggestions shown: the others are hidden." : "No open suggestions.");
      return;
    }
    const at = cursor === null ? -1 : all.findIndex((s) => compare(s, cursor) > 0);
    const s = at === -1 ? all[0] : all[at]; // past the last one: back to the first
    setCurrent(s.id);
    const place = all.indexOf(s) + 1;
    announce(
      `${name(s)} suggestion ${place} of ${all.length}, score ${score(s)}: ${snippet(s.text)}. ` +
        `${s.reason}. A accepts, X rejects.`,
    );
  }

  // A decided suggestion leaves the page; N goes on from where it was.
  function leave(s) {
    if (String(s.id) === current) current = null;
    cursor = s;
    store.remove(s.id);
  }

  function putBack(s, error) {
    // 404/409: it was decided elsewhere (or is gone), so it stays off the page.
    const decided = error.status === 404 || error.status === 409;
    if (!decided) store.put(s);
    return decided ? "" : " It is back on the page.";
  }

  async function accept(id = current) {
    const s = store.get(id);
    if (!s) return;
    notify.clearError();
    const draftId = `suggestion-${s.id}`;
    leave(s);
    spans.put(
      draftSpan(draft, {
        id: draftId,
        label: s.label,
        start: s.start,
        end: s.end,
        text: s.text,
        speaker: s.label === "QUOTE" ? s.speaker : "",
        origin: `suggestion:${s.id}`,
      }),
    );
    try {
      const span = await api.acceptSuggestion(s.id);
      spans.put(span, { replacing: draftId });
      notify.say(`${name(s)} accepted: “${excerpt(s.text, 60)}”.`);
      undo?.push(`accepting the ${name(s)} “${excerpt(s.text, 40)}”`, () => reopen([s], [span.id]));
    } catch (error) {
      spans.remove(draftId);
      const back = putBack(s, error);
      notify.error(`The ${name(s)} suggestion was not accepted, so its span was removed: ${error.message}${back}`);
    }
  }

  async function reject(id = current) {
    const s = store.get(id);
    if (!s) return;
    notify.clearError();
    leave(s);
    try {
      await api.rejectSuggestion(s.id);
      notify.say(`${name(s)} suggestion rejected: “${excerpt(s.text, 50)}”.`);
      undo?.push(`rejecting the ${name(s)} suggestion “${excerpt(s.text, 40)}”`, () => reopen([s], []));
      for (const listener of rejectedListeners) listener(s);
    } catch (error) {
      const back = putBack(s, error);
      notify.error(`The ${name(s)} suggestion was not rejected: ${error.message}${back}`);
    }
  }

  // --- accept all above a score --------------------------------------------------------------

  const scoreInput = acceptForm.elements.min_score;
  const acceptButton = acceptForm.querySelector("button[type=submit]");

  function minScore() {
    const raw = scoreInput.value.trim();
    const value = Number(raw);
    return raw !== "" && Number.isFinite(value) && value >= 0 && value <= 1 ? value : null;
  }

  function hintAbove() {
    const min = minScore();
    scoreInput.setAttribute("aria-invalid", String(min === null));
    const total = store.all().length;
    acceptHintEl.textContent =
      min === null
        ? "A score is between 0 and 1."
        : `${store.all().filter((s) => s.score >= min).length} of ${total} open suggestions score ${min} or more.`;
  }

  // Take decisions back: the suggestions open again (on the page too), the spans made from
  // accepted ones deleted.
  async function reopen(decided, spanIds) {
    const back = await api.reopenSuggestions(urls.reopen, decided.map((s) => s.id));
    spans.removeAll(spanIds);
    store.putAll(back);
  }

  // "Accept all" first says how many it will accept, and asks.
  function askAbove(event) {
    event.preventDefault();
    const min = minScore();
    if (min === null) {
      notify.error("Nothing was accepted: a score is between 0 and 1.");
      scoreInput.focus();
      return;
    }
    const n = store.all().filter((s) => s.score >= min).length;
    if (!n) {
      notify.say(`No open suggestion scores ${min} or more: nothing to accept.`);
      return;
    }
    confirmEl.querySelector(".confirm-text").textContent =
      `Accept ${n} suggestion${n === 1 ? "" : "s"} scoring ${min} or more? Each becomes a span of yours (Ctrl+Z undoes it).`;
    const yes = confirmEl.querySelector("button[data-confirm=yes]");
    yes.textContent = `Accept ${n}`;
    confirmEl.hidden = false;
    confirmEl.dataset.min = String(min);
    yes.focus();
  }

  function closeConfirm() {
    confirmEl.hidden = true;
    delete confirmEl.dataset.min;
  }

  async function acceptAbove(min) {
    closeConfirm();
    notify.clearError();
    const chosen = store.all().filter((s) => s.score >= min);
    acceptButton.disabled = true;
    try {
      const result = await api.acceptAbove(urls.accept_above, min);
      // Every open suggestion at or above the score was accepted (or decided by someone else
      // before): none of them is open any more. Spans from ones this page did not know appear too.
      const fromSpans = result.spans.map((span) => span.origin.replace(/^suggestion:/, ""));
      if (chosen.some((s) => String(s.id) === current)) current = null;
      store.removeAll([...chosen.map((s) => s.id), ...fromSpans]);
      spans.putAll(result.spans);
      const n = result.accepted;
      notify.say(`${n} suggestion${n === 1 ? "" : "s"} scoring ${min} or more accepted.`);
      // Undo takes back what this accepted: the spans made from suggestions (one tagged by
      // hand before stays).
      const made = result.spans.filter((span) => String(span.origin || "").startsWith("suggestion:"));
      const decided = made.map((span) => ({ id: Number(span.origin.replace(/^suggestion:/, "")) }));
      if (made.length) {
        undo?.push(`accepting ${n} suggestion${n === 1 ? "" : "s"}`, () =>
          reopen(decided, made.map((span) => span.id)),
        );
      }
    } catch (error) {
      notify.error(`Nothing was accepted: ${error.message}`);
    } finally {
      acceptButton.disabled = false;
    }
  }

  // --- after a run: the open suggestions again -----------------------------------------------

  async function reload() {
    try {
      const fresh = await api.openSuggestions(urls.suggestions);
      const keep = current;
      store.replaceAll(fresh);
      current = null;
      if (keep !== null && store.get(keep)) setCurrent(keep, { scroll: false });
    } catch (error) {
      notify.error(`The new suggestions could not be loaded: ${error.message}`);
    }
  }

  showLowEl?.addEventListener("change", showAgain);
  showAllEl?.addEventListener("change", showAgain);
  // A span on exactly a suggestion's words (made by hand, or accepted elsewhere) hides it; a
  // tag on other words leaves the list as it is (no rebuild on the way to its highlight). Any
  // label counts here: a span relabelled on those words may hide or show one again.
  const at = (s) => `${s.start}:${s.end}`;
  spans.onChange((change) => {
    const places = new Set(store.all().map(at));
    if (change.kind === "bulk" || [change.span, ...(change.spans || [])].some((sp) => sp && places.has(at(sp)))) render();
  });

  listEl.addEventListener("click", (event) => {
    const li = event.target.closest("li[data-suggestion-id]");
    if (!li) return;
    const action = event.target.closest("button[data-action]")?.dataset.action;
    if (action === "accept") accept(li.dataset.suggestionId);
    else if (action === "reject") reject(li.dataset.suggestionId);
    else setCurrent(li.dataset.suggestionId);
  });
  acceptForm.addEventListener("submit", askAbove);
  confirmEl.addEventListener("click", (event) => {
    const answer = event.target.closest("button[data-confirm]")?.dataset.confirm;
    if (answer === "yes") acceptAbove(Number(confirmEl.dataset.min));
    else if (answer === "no") {
      closeConfirm();
      scoreInput.focus();
    }
  });
  scoreInput.addEventListener("input", closeConfirm);
  scoreInput.addEventListener("input", hintAbove);

  return {
    store,
    items,
    render,
    setCurrent,
    next,
    accept: () => accept(),
    reject: () => reject(),
    reload,
    onRejected: (listener) => rejectedListeners.push(listener),
    hasCurrent: () => current !== null && store.get(current) !== undefined && entries.has(current),
  };
}
