// The span panel: change the label, write a note, name a QUOTE's speaker, delete (with undo),
// and for a CLAIM its verdict (rating, rationale, evidence links) with the verdict's history.
// A save that meets someone else's newer version (409) shows theirs and asks; nothing is
// overwritten without the reviewer choosing so, and their own input stays in the form.

const $ = (root, selector) => root.querySelector(selector);

function text(el, value) {
  el.textContent = value;
  return el;
}

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

// Evidence links: one a line, each an http(s) address. Returns [links, error].
export function parseLinks(value) {
  const links = [];
  const lines = value.split("\n").map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    let url = null;
    try {
      url = new URL(line);
    } catch {
      url = null;
    }
    if (!url || !["http:", "https:"].includes(url.protocol) || !url.hostname) {
      return [null, `Link ${i + 1} (“${line.slice(0, 80)}”) is not an http or https address.`];
    }
    links.push(line);
  }
  return [links, null];
}

export function createPanel({ root, store, api, notify, names, choices, onClose, onOpen, onDeleted }) {
  const form = $(root, "#span-form");
  const verdictSection = $(root, "#verdict-section");
  const verdictForm = $(root, "#verdict-form");
  const speakerField = $(root, "#speaker-field");
  const speakerInput = $(root, "#span-speaker");
  const noteInput = $(root, "#span-note");
  const errorEl = $(root, "#panel-error");
  const conflictEl = $(root, "#panel-conflict");
  const verdictError = $(root, "#verdict-error");
  const verdictConflict = $(root, "#verdict-conflict");
  const ratingInput = $(root, "#verdict-rating");
  const rationaleInput = $(root, "#verdict-rationale");
  const linksInput = $(root, "#verdict-links");
  const historyEl = $(root, "#verdict-history");
  const datalist = $(root, "#speaker-names");

  let spanId = null;
  let verdict = null; // the verdict as last read from the server (null: none yet)

  const span = () => (spanId === null ? null : store.get(spanId));
  const labelName = (v) => choices.labels[v] || v;
  const ratingName = (v) => choices.ratings[v] || v;
  const statusName = (v) => choices.statuses[v] || v;

  function showError(target, message) {
    target.textContent = message;
    target.hidden = !message;
  }

  function chosenLabel() {
    const checked = form.querySelector('input[name="label"]:checked');
    return checked ? checked.value : span().label;
  }

  function syncFields() {
    speakerField.hidden = chosenLabel() !== "QUOTE";
  }

  function fillHeader(s, alsoHere) {
    text($(root, "#span-panel-title"), labelName(s.label));
    text($(root, "#panel-text"), s.text);
    const meta = [`by ${s.author}`, `version ${s.version}`];
    if (s.speaker) meta.unshift(`speaker: ${s.speaker}`);
    text($(root, "#panel-meta"), meta.join(" · "));
    const review = $(root, "#panel-review");
    review.className = `review review-${s.review_status}`;
    let status = `Review: ${statusName(s.review_status)}`;
    if (s.review_status === "rejected" && s.review_reason) status += ` — reason: ${s.review_reason}`;
    text(review, status);
    const also = $(root, "#panel-also");
    const buttons = also.querySelector(".also-buttons");
    buttons.replaceChildren();
    for (const id of alsoHere || []) {
      const other = store.get(id);
      if (!other) continue;
      const button = el("button", "link", `${labelName(other.label)}: ${other.text.slice(0, 40)}`);
      button.type = "button";
      button.addEventListener("click", () => onOpen(other.id, [s.id]));
      buttons.append(button);
    }
    also.hidden = buttons.childElementCount === 0;
  }

  function fillForm(s) {
    for (const radio of form.querySelectorAll('input[name="label"]')) radio.checked = radio.value === s.label;
    speakerInput.value = s.speaker || "";
    noteInput.value = s.note || "";
    syncFields();
    verdictSection.hidden = s.label !== "CLAIM";
  }

  function fillNames() {
    datalist.replaceChildren(
      ...names().map((name) => {
        const option = document.createElement("option");
        option.value = name;
        return option;
      }),
    );
  }

  async function open(id, alsoHere = []) {
    const s = store.get(id);
    if (!s) return;
    spanId = String(s.id);
    root.hidden = false;
    showError(errorEl, "");
    conflictEl.hidden = true;
    fillHeader(s, alsoHere);
    fillForm(s);
    fillNames();
    $(root, "#span-panel-title").focus({ preventScroll: true });
    root.scrollIntoView({ block: "nearest" });
    verdict = null;
    fillVerdict(null);
    if (s.label === "CLAIM" && s.verdict) await loadVerdict();
  }

  function close() {
    spanId = null;
    root.hidden = true;
    onClose();
  }

  // The span changed in the store (our save, an undo): show its new state, keep the form.
  function refresh(change) {
    if (spanId === null) return;
    if (change.kind === "remove" && String(change.span.id) === spanId) {
      close();
      return;
    }
    const s = span();
    if (s) fillHeader(s, []);
  }

  // --- the span -------------------------------------------------------------------------

  function mine() {
    const label = chosenLabel();
    const fields = { label, note: noteInput.value };
    if (label === "QUOTE") fields.speaker = speakerInput.value;
    return fields;
  }

  async function save(fields, version) {
    const s = span();
    showError(errorEl, "");
    try {
      const saved = await api.updateSpan(s.id, { ...fields, version });
      conflictEl.hidden = true;
      store.put(saved);
      fillForm(saved);
      verdictSection.hidden = saved.label !== "CLAIM";
      notify.say(`${labelName(saved.label)} saved.`);
    } catch (error) {
      if (error.status === 409 && error.body.current) showConflict(error.body, fields);
      else showError(errorEl, `Not saved: ${error.message}`);
    }
  }

  function describeSpan(v) {
    const parts = [`label ${labelName(v.label)}`];
    if (v.label === "QUOTE") parts.push(`speaker “${v.speaker || ""}”`);
    parts.push(`note “${v.note || ""}”`);
    return parts.join(", ");
  }

  function showConflict(body, fields) {
    const s = span();
    const current = body.current;
    conflictEl.replaceChildren();
    if (current.deleted) {
      conflictEl.append(el("p", "", "Someone else deleted this span since you opened it. Your changes were not saved:"));
      conflictEl.append(el("p", "yours", describeSpan(fields)));
      conflictEl.hidden = false;
      return;
    }
    conflictEl.append(
      el("p", "", `Someone else changed this span since you opened it (you had version ${s.version}, it is now version ${current.version}). Nothing was overwritten.`),
    );
    const list = el("dl", "compare");
    list.append(el("dt", "", "Their version"), el("dd", "theirs", describeSpan(current)));
    list.append(el("dt", "", "Your version"), el("dd", "yours", describeSpan(fields)));
    conflictEl.append(list);
    const keep = el("button", "", "Keep their version");
    keep.type = "button";
    keep.addEventListener("click", () => {
      const merged = { ...s, ...current, id: s.id, verdict: s.verdict };
      delete merged.deleted;
      store.put(merged);
      fillForm(merged);
      conflictEl.hidden = true;
      notify.say("Their version kept.");
    });
    const overwrite = el("button", "", "Save mine over theirs");
    overwrite.type = "button";
    overwrite.addEventListener("click", () => save(fields, current.version));
    conflictEl.append(keep, " ", overwrite);
    conflictEl.hidden = false;
    keep.focus();
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "label") syncFields();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(mine(), span().version);
  });

  $(root, "#span-delete").addEventListener("click", async () => {
    const s = span();
    showError(errorEl, "");
    try {
      await api.deleteSpan(s.id, s.version);
    } catch (error) {
      if (error.status === 409 && error.body.current) showConflict(error.body, { label: s.label, note: s.note, speaker: s.speaker });
      else showError(errorEl, `Not deleted: ${error.message}`);
      return;
    }
    close();
    store.remove(s.id);
    onDeleted(s);
  });
  $(root, "#panel-close").addEventListener("click", close);

  // --- the verdict ----------------------------------------------------------------------

  function fillVerdict(v) {
    ratingInput.value = v ? v.rating : "";
    rationaleInput.value = v ? v.rationale : "";
    linksInput.value = v ? v.evidence_links.join("\n") : "";
    linksInput.removeAttribute("aria-invalid");
    showError(verdictError, "");
    verdictConflict.hidden = true;
    let status = "No verdict yet.";
    if (v) {
      status = `${ratingName(v.rating)} · by ${v.author} · version ${v.version} · review: ${statusName(v.review_status)}`;
      if (v.review_status === "rejected" && v.review_reason) status += ` — reason: ${v.review_reason}`;
    }
    text($(root, "#verdict-status"), status);
    renderHistory(v ? v.history || [] : []);
  }

  function describeVerdict(v) {
    if (!v) return "no verdict";
    const links = v.evidence_links.length ? v.evidence_links.join(", ") : "no links";
    return `${ratingName(v.rating)}; rationale “${v.rationale}”; evidence: ${links}`;
  }

  function renderHistory(entries) {
    historyEl.replaceChildren();
    for (const entry of entries) {
      const li = el("li");
      const when = el("time", "", new Date(entry.at).toLocaleString());
      when.dateTime = entry.at;
      li.append(when, ` ${entry.actor || "someone"} ${entry.action}d: `);
      li.append(el("span", "history-after", entry.after ? describeVerdict(entry.after) : "deleted the verdict"));
      if (entry.before) li.append(el("span", "history-before muted", ` (was ${describeVerdict(entry.before)})`));
      historyEl.append(li);
    }
    if (!entries.length) historyEl.append(el("li", "muted", "No changes yet."));
  }

  async function loadVerdict() {
    const id = spanId;
    try {
      const loaded = await api.getVerdict(id);
      if (id !== spanId) return;
      verdict = loaded;
    } catch (error) {
      if (id !== spanId) return;
      verdict = null;
      if (error.status !== 404) showError(verdictError, `The verdict could not be loaded: ${error.message}`);
    }
    fillVerdict(verdict);
  }

  async function saveVerdict(fields, version) {
    const s = span();
    showError(verdictError, "");
    try {
      verdict = await api.setVerdict(s.id, { ...fields, version });
      fillVerdict(verdict);
      const { history, ...summary } = verdict;
      store.put({ ...s, verdict: summary });
      notify.say(`Verdict saved: ${ratingName(verdict.rating)}.`);
    } catch (error) {
      if (error.status === 409 && error.body.current) showVerdictConflict(error.body.current, fields);
      else showError(verdictError, `Verdict not saved: ${error.message}`);
    }
  }

  function showVerdictConflict(current, fields) {
    verdictConflict.replaceChildren();
    verdictConflict.append(
      el("p", "", `Someone else changed this verdict since you opened it (it is now version ${current.version}). Nothing was overwritten.`),
    );
    const list = el("dl", "compare");
    list.append(el("dt", "", "Their verdict"), el("dd", "theirs", describeVerdict(current)));
    list.append(el("dt", "", "Your verdict"), el("dd", "yours", describeVerdict(fields)));
    verdictConflict.append(list);
    const keep = el("button", "", "Keep their verdict");
    keep.type = "button";
    keep.addEventListener("click", loadVerdict);
    const overwrite = el("button", "", "Save my verdict over theirs");
    overwrite.type = "button";
    overwrite.addEventListener("click", () => saveVerdict(fields, current.version));
    verdictConflict.append(keep, " ", overwrite);
    verdictConflict.hidden = false;
    keep.focus();
  }

  verdictForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!ratingInput.value) {
      showError(verdictError, "Choose a rating.");
      ratingInput.focus();
      return;
    }
    const [links, problem] = parseLinks(linksInput.value);
    if (problem) {
      linksInput.setAttribute("aria-invalid", "true");
      showError(verdictError, problem);
      linksInput.focus();
      return;
    }
    linksInput.removeAttribute("aria-invalid");
    const fields = { rating: ratingInput.value, rationale: rationaleInput.value, evidence_links: links };
    saveVerdict(fields, verdict ? verdict.version : null);
  });

  return {
    open,
    close,
    refresh,
    isOpen: () => spanId !== null,
    currentId: () => spanId,
  };
}
