// Already checked: this article's claims (CLAIM spans and CLAIM suggestions) that the matching
// job found among what the desk ruled on (a desk claim with a verdict) or a fact-checker
// published (an imported ClaimReview). Each shows as "Already checked: False, by <desk or
// publisher> on <date>", in a list beside the text and in the span panel (claim.js), to
// confirm or dismiss:
//   - confirming a desk claim's match makes the CLAIM a mention of it (a suggestion is accepted
//     as one); confirming a fact-check's match records it on the CLAIM's desk claim;
//   - dismissing says it is another claim: the pair is not proposed again.
// The job runs in the background after an import and after a suggestion run, so the list is
// loaded again when a run finishes (and once more a moment later, when its matches are in).

let page = null; // the page's checks, for claim.js: one workspace a page

export function pageChecks() {
  return page;
}

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

// "Already checked: False, by The desk on 2024-05-01 (pending review)".
export function checkedWords(match) {
  const c = match.checked;
  let words = `Already checked: ${c.rating_label || "rated"}`;
  if (c.by) words += `, by ${c.by}`;
  if (c.on) words += ` on ${c.on}`;
  if (c.review_status && c.review_status !== "approved") words += ` (${c.review_status} review)`;
  return words;
}

export function createChecks({ initial, url, api, spans, suggestions, notify, listEl, countEl, sectionEl, onOpenSpan }) {
  let matches = initial.slice();
  const listeners = [];

  const open = () => matches.filter((m) => m.status === "open");
  const changed = () => {
    render();
    for (const listener of listeners) listener();
  };

  // The open matches of one claim of the text (a span's or a suggestion's range).
  function forRange(start, end) {
    return open().filter((m) => m.start === start && m.end === end);
  }

  function whereText(m) {
    const span = m.span === null ? null : spans.get(m.span);
    const suggestion = m.suggestion === null ? null : suggestions.get(m.suggestion);
    const shown = span || suggestion;
    return { span, suggestion, text: shown ? shown.text : "" };
  }

  // One match as a block of the list and of the panel: the verdict words, the checked claim,
  // why it matched, and the two decisions.
  function entry(m, { withText, onConfirmed }) {
    const li = el("li", "checked-entry");
    li.dataset.claimCheckId = m.id;
    li.dataset.kind = m.kind;
    li.append(el("strong", `checked-words rating-${m.checked.rating || "other"}`, checkedWords(m)));
    if (withText) {
      const { span, text } = whereText(m);
      const here = el("button", "link checked-here", `“${text.slice(0, 90)}${text.length > 90 ? "…" : ""}”`);
      here.type = "button";
      here.title = span ? "Open this claim" : "A suggested claim";
      if (span) here.addEventListener("click", () => onOpenSpan(span.id));
      li.append(" ", el("span", "muted", span ? "in this article:" : "suggested here:"), " ", here);
    }
    const claim = el("q", "checked-claim", m.checked.claim);
    li.append(el("span", "checked-as muted", " As: "), claim);
    if (m.checked.url) {
      const link = el("a", "checked-link", "the fact-check");
      link.href = m.checked.url;
      link.rel = "noopener noreferrer";
      li.append(" (", link, ")");
    }
    li.append(el("span", "muted checked-meta", `${Math.round(m.score * 100)}% · ${m.reason}`));
    const actions = el("span", "entry-actions");
    const confirmButton = el("button", "", m.kind === "desk_claim" ? "Confirm: same claim" : "Confirm: cite it");
    confirmButton.type = "button";
    confirmButton.dataset.action = "confirm";
    confirmButton.addEventListener("click", async () => {
      const span = await confirm(m.id);
      if (span && onConfirmed) onConfirmed(span);
    });
    const dismissButton = el("button", "", "Dismiss");
    dismissButton.type = "button";
    dismissButton.dataset.action = "dismiss";
    dismissButton.addEventListener("click", () => dismiss(m.id));
    for (const b of [confirmButton, dismissButton]) b.setAttribute("aria-label", `${b.textContent}: ${checkedWords(m)}`);
    actions.append(confirmButton, " ", dismissButton);
    li.append(actions);
    return li;
  }

  function render() {
    const shown = open().filter((m) => whereText(m).text);
    listEl.replaceChildren(...shown.map((m) => entry(m, { withText: true })));
    countEl.textContent = String(shown.length);
    sectionEl.hidden = shown.length === 0;
  }

  async function confirm(id) {
    const m = matches.find((x) => x.id === id);
    if (!m) return null;
    notify.clearError();
    try {
      const done = await api.confirmClaimCheck(id);
      if (m.suggestion !== null && suggestions.get(m.suggestion)) suggestions.remove(m.suggestion);
      spans.put(done.span);
      // Its other desk-claim matches were settled with it: the server says which.
      await reload({ quiet: true });
      notify.say(
        m.kind === "desk_claim"
          ? "Confirmed: now a mention of the desk claim already checked."
          : `Confirmed: the fact-check by ${m.checked.by || "its publisher"} is recorded on the desk claim.`,
      );
      return done.span;
    } catch (error) {
      notify.error(`Not confirmed: ${error.message}`);
      await reload({ quiet: true });
      return null;
    }
  }

  async function dismiss(id) {
    notify.clearError();
    try {
      const done = await api.dismissClaimCheck(id);
      matches = matches.map((x) => (x.id === id ? done : x));
      changed();
      notify.say("Dismissed: it will not be proposed again.");
    } catch (error) {
      notify.error(`Not dismissed: ${error.message}`);
      await reload({ quiet: true });
    }
  }

  async function reload({ quiet = false } = {}) {
    try {
      matches = await api.claimChecks(url);
      changed();
    } catch (error) {
      if (!quiet) notify.error(`The claims already checked could not be loaded: ${error.message}`);
    }
  }

  // The job follows a suggestion run; its matches land a moment after the run is done.
  function afterRun() {
    reload({ quiet: true });
    setTimeout(() => reload({ quiet: true }), 4000);
  }

  spans.onChange(render);
  suggestions.onChange(render);
  render();

  page = {
    forRange,
    entry: (m, { onConfirmed } = {}) => entry(m, { withText: false, onConfirmed }),
    confirm,
    dismiss,
    reload,
    afterRun,
    onChange: (listener) => listeners.push(listener),
  };
  return page;
}
