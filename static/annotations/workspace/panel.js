// The span panel: change the label, write a note, name a QUOTE's speaker, delete (with undo),
// and for a CLAIM its desk claim (claim.js: wording, proposals, other mentions, ratings and the
// desk's verdict with its history). A save that meets someone else's newer version (409) shows
// theirs and asks; nothing is overwritten without the reviewer choosing so, and their own input
// stays in the form.

import { createClaimSection } from "./claim.js";
import { createMatchSection } from "./matches.js";

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

export function createPanel({ root, store, api, notify, undo, names, choices, me, documentId, compareUrl, onClose, onOpen, onDeleted }) {
  const form = $(root, "#span-form");
  const speakerField = $(root, "#speaker-field");
  const speakerInput = $(root, "#span-speaker");
  const noteInput = $(root, "#span-note");
  const errorEl = $(root, "#panel-error");
  const conflictEl = $(root, "#panel-conflict");
  const datalist = $(root, "#speaker-names");
  const claim = createClaimSection({
    root,
    store,
    api,
    notify,
    undo,
    choices,
    me,
    documentId,
    onOpenSpan: (id) => onOpen(id, []),
  });

  // Where else a QUOTE's or CLAIM's words appear in the story (matches.js).
  const elsewhere = createMatchSection({ root, api, compareUrl, documentId });

  let spanId = null;
  // The version the reviewer is looking at. Others' changes arrive in the store while the panel
  // is open (live.js); a save still sends the version the form was filled from, so it meets
  // their change (409, both shown) instead of silently overwriting it.
  let seenVersion = null;

  const span = () => (spanId === null ? null : store.get(spanId));
  const labelName = (v) => choices.labels[v] || v;
  const statusName = (v) => choices.statuses[v] || v;

  function showError(target, message) {
    if (message) notify.hide(); // "not saved" never stands beside an older "saved"
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
  }

  // A CLAIM shows its desk claim; again whenever it becomes another one (a label, a move).
  function showClaim(s, options) {
    if (s.label !== "CLAIM") claim.close();
    else claim.open(s, options);
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

  // `focus`: false when the panel opens beside the reviewer's work (a CLAIM just tagged shows
  // its proposals) and the keyboard stays in the text.
  async function open(id, alsoHere = [], { focus = true } = {}) {
    const s = store.get(id);
    if (!s) return;
    spanId = String(s.id);
    seenVersion = s.version;
    root.hidden = false;
    showError(errorEl, "");
    conflictEl.hidden = true;
    fillHeader(s, alsoHere);
    fillForm(s);
    fillNames();
    if (focus) $(root, "#span-panel-title").focus({ preventScroll: true });
    root.scrollIntoView({ block: "nearest" });
    elsewhere.open(s);
    await showClaim(s);
  }

  function close() {
    spanId = null;
    root.hidden = true;
    claim.close();
    elsewhere.close();
    onClose();
  }

  // The span changed in the store (our save, an undo): show its new state, keep the form.
  function refresh(change) {
    if (spanId === null) return;
    if (change.kind === "remove" && String(change.span.id) === spanId) {
      close();
      return;
    }
    // One span put is this page's own doing (a save, a move, an undo); others' changes arrive
    // in bulk from live.js and leave the version the reviewer saw as it was.
    if (change.kind === "put" && String(change.span.id) === spanId) seenVersion = change.span.version;
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
      seenVersion = saved.version;
      store.put(saved);
      fillForm(saved);
      if (saved.label !== s.label || saved.desk_claim !== s.desk_claim) showClaim(saved);
      if (saved.label !== s.label) {
        elsewhere.open(saved);
        undo?.push(`changing the label to ${labelName(saved.label)}`, () => relabel(s));
      }
      notify.say(`${labelName(saved.label)} saved.`);
    } catch (error) {
      if (error.status === 409 && error.body.current) showConflict(error.body, fields);
      else showError(errorEl, `Not saved: ${error.message}`);
    }
  }

  // Undo a label change: the old label (and a QUOTE's speaker) again, and a CLAIM back in the
  // desk claim it was a mention of (with its ratings and verdict, which stayed there).
  async function relabel(before) {
    const now = store.get(before.id);
    if (!now) throw new Error("the span is no longer here");
    const fields = { label: before.label, version: now.version };
    if (before.label === "QUOTE") fields.speaker = before.speaker || "";
    let back = await api.updateSpan(before.id, fields);
    if (before.label === "CLAIM" && before.desk_claim && back.desk_claim !== before.desk_claim) {
      back = await api.moveMention(before.id, before.desk_claim, back.version);
    }
    store.put(back);
    if (spanId === String(back.id)) open(back.id, [], { focus: false });
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
      el("p", "", `Someone else changed this span since you opened it (you had version ${seenVersion}, it is now version ${current.version}). Nothing was overwritten.`),
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
      seenVersion = merged.version;
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
    save(mine(), seenVersion ?? span().version);
  });

  $(root, "#span-delete").addEventListener("click", async () => {
    const s = span();
    showError(errorEl, "");
    try {
      await api.deleteSpan(s.id, seenVersion ?? s.version);
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

  return {
    open,
    close,
    refresh,
    isOpen: () => spanId !== null,
    currentId: () => spanId,
  };
}
