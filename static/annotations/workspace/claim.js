// A CLAIM's desk claim in the span panel: the claim the desk rules on once, wherever it appears.
//   - its wording (editable, versioned), and the desk claims this CLAIM may rather be a mention
//     of (proposed best first, or "a new desk claim"): choosing one moves the mention;
//   - "Also in": its other mentions, each with its article's title, outlet and date, linked;
//   - the ratings: mine (editable, withdrawable), the others' listed with their author;
//   - "Already checked": what the matching job found this claim may repeat (a desk claim with a
//     verdict, a fact-check; checks.js), to confirm or dismiss;
//   - the desk's verdict with its review state and history, set from a form prefilled with the
//     ratings. A save that meets a newer version (409) shows theirs; nothing is overwritten
//     unasked. The verdict is shown on every mention of the page (the store's spans).

import { pageChecks } from "./checks.js";
import { createAreaMessage } from "./notify.js";

const $ = (root, selector) => root.querySelector(selector);

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

function show(target, message) {
  target.textContent = message;
  target.hidden = !message;
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

// What the span list and the highlights show of a verdict (the API's, without its history).
export function verdictSummary(verdict) {
  if (!verdict) return null;
  const { history, ...summary } = verdict;
  return summary;
}

const VERBS = {
  create: "created",
  update: "updated",
  delete: "deleted",
  approve: "approved",
  reject: "rejected",
  reopen: "reopened",
  migrate: "carried over",
  merge: "merged",
};

// The desk's verdict from the ratings: the rating most reviewers gave (the earliest of equals),
// their rationales by author, and every link once.
export function fromRatings(ratings) {
  const counts = new Map();
  for (const r of ratings) counts.set(r.rating, (counts.get(r.rating) || 0) + 1);
  let best = null;
  for (const r of ratings) if (best === null || counts.get(r.rating) > counts.get(best)) best = r.rating;
  const chosen = ratings.filter((r) => r.rating === best);
  return {
    rating: best || "",
    rationale: chosen.filter((r) => r.rationale).map((r) => `${r.author}: ${r.rationale}`).join("\n"),
    evidence_links: [...new Set(chosen.flatMap((r) => r.evidence_links))],
  };
}

export function createClaimSection({ root, store, api, notify, undo, choices, me, documentId, onOpenSpan }) {
  const section = $(root, "#claim-section");
  const verdictSection = $(root, "#verdict-section");
  const summaryEl = $(root, "#claim-summary");
  const claimError = $(root, "#claim-error");
  const wordingForm = $(root, "#wording-form");
  const wordingInput = $(root, "#claim-wording");
  const proposalsEl = $(root, "#claim-proposals");
  const proposalList = $(root, "#proposal-list");
  const proposalNew = $(root, "#proposal-new");
  const alsoEl = $(root, "#claim-also");
  const alsoList = $(root, "#also-list");
  const ratingList = $(root, "#rating-list");
  const ratingForm = $(root, "#rating-form");
  const ratingError = $(root, "#rating-error");
  const ratingInput = $(root, "#rating-rating");
  const ratingRationale = $(root, "#rating-rationale");
  const ratingLinks = $(root, "#rating-links");
  const ratingDelete = $(root, "#rating-delete");
  const verdictForm = $(root, "#verdict-form");
  const verdictError = $(root, "#verdict-error");
  const verdictConflict = $(root, "#verdict-conflict");
  const verdictRating = $(root, "#verdict-rating");
  const verdictRationale = $(root, "#verdict-rationale");
  const verdictLinks = $(root, "#verdict-links");
  const verdictReviewUrl = $(root, "#verdict-review-url");
  const historyEl = $(root, "#verdict-history");
  const checkedEl = $(root, "#claim-checked");
  const checkedList = $(root, "#claim-checked-list");
  const verdictRemove = $(root, "#verdict-remove");
  // One message line each for the ratings and the verdict: the newest replaces the last.
  const ratingMessage = createAreaMessage(ratingError, notify);
  const verdictMessage = createAreaMessage(verdictError, notify);

  let spanId = null;
  let claim = null; // the desk claim as last read from the server
  // Forms the reviewer has typed into since the panel opened: what arrives from the server
  // later fills the others, never theirs.
  const touched = new Set();
  for (const form of [wordingForm, ratingForm, verdictForm]) {
    form.addEventListener("input", () => touched.add(form));
    form.addEventListener("change", () => touched.add(form));
  }

  const ratingName = (v) => choices.ratings[v] || v;
  const statusName = (v) => choices.statuses[v] || v;
  const span = () => (spanId === null ? null : store.get(spanId));
  const mine = () => (claim ? claim.ratings.find((r) => r.author === me) : null);

  // --- showing it ---------------------------------------------------------------------------

  async function open(s, { proposals = true } = {}) {
    spanId = String(s.id);
    claim = null;
    touched.clear();
    section.hidden = verdictSection.hidden = false;
    show(claimError, "");
    ratingMessage.clear();
    verdictMessage.clear();
    verdictConflict.hidden = true;
    summaryEl.textContent = "Loading the desk claim…";
    proposalsEl.hidden = alsoEl.hidden = true;
    // What the page knows already, at once: the verdict every mention carries.
    wordingInput.value = "";
    fillRatingForm(null);
    ratingList.replaceChildren();
    fillVerdict(s.verdict ? { ...s.verdict, history: [] } : null);
    renderChecked();
    if (!s.desk_claim) {
      summaryEl.textContent = "This claim is not a mention of a desk claim yet.";
      return;
    }
    await load();
    if (proposals) await propose();
  }

  // --- already checked: the matches of this claim's words ---------------------------------------

  let listening = false;
  function renderChecked() {
    const checks = pageChecks();
    const s = span();
    if (!checks || !s) {
      checkedEl.hidden = true;
      return;
    }
    if (!listening) {
      listening = true;
      checks.onChange(renderChecked);
    }
    const found = checks.forRange(s.start, s.end);
    const onConfirmed = (moved) => {
      if (spanId === String(moved.id)) open(moved, { proposals: false });
    };
    checkedList.replaceChildren(...found.map((m) => checks.entry(m, { onConfirmed })));
    checkedEl.hidden = found.length === 0;
  }

  function close() {
    spanId = null;
    claim = null;
    section.hidden = verdictSection.hidden = true;
  }

  async function load() {
    const id = spanId;
    const s = span();
    try {
      const loaded = await api.getDeskClaim(s.desk_claim);
      if (id !== spanId) return;
      claim = loaded;
    } catch (error) {
      if (id === spanId) show(claimError, `The desk claim could not be loaded: ${error.message}`);
      return;
    }
    render();
    spreadVerdict();
  }

  function render() {
    const mentions = claim.mentions.length;
    summaryEl.textContent = `Desk claim ${claim.id} · ${mentions} mention${mentions === 1 ? "" : "s"} · version ${claim.version}`;
    if (!touched.has(wordingForm)) wordingInput.value = claim.wording;
    renderAlso();
    renderRatings();
    if (touched.has(verdictForm)) showVerdictState(claim.verdict);
    else fillVerdict(claim.verdict);
  }

  function renderAlso() {
    alsoList.replaceChildren();
    for (const mention of claim.mentions) {
      if (String(mention.span) === spanId) continue;
      const doc = mention.document;
      const li = el("li");
      const link = el("a", "", doc.title);
      link.href = `/documents/${doc.id}/#span-${mention.span}`;
      const bits = [doc.outlet, doc.published_on, `by ${mention.author}`].filter(Boolean);
      li.append(link, el("span", "muted", ` (${bits.join(", ")})`));
      if (doc.id === documentId) {
        link.addEventListener("click", (event) => {
          event.preventDefault();
          onOpenSpan(mention.span);
        });
      }
      alsoList.append(li);
    }
    alsoEl.hidden = alsoList.childElementCount === 0;
  }

  function renderRatings() {
    ratingList.replaceChildren();
    for (const r of claim.ratings) {
      if (r.author === me) continue;
      const li = el("li");
      li.append(el("strong", "", ratingName(r.rating)), ` by ${r.author}`);
      if (r.rationale) li.append(el("span", "rationale", `: ${r.rationale}`));
      for (const link of r.evidence_links) {
        const a = el("a", "", link);
        a.href = link;
        a.rel = "noopener noreferrer";
        li.append(" ", a);
      }
      ratingList.append(li);
    }
    if (!ratingList.childElementCount) ratingList.append(el("li", "muted", "No one else has rated it yet."));
    if (!touched.has(ratingForm)) fillRatingForm(mine());
    ratingDelete.hidden = !mine();
  }

  function fillRatingForm(own) {
    ratingInput.value = own ? own.rating : "";
    ratingRationale.value = own ? own.rationale : "";
    ratingLinks.value = own ? own.evidence_links.join("\n") : "";
    ratingDelete.hidden = !own;
  }

  // The verdict on every mention of this desk claim on the page.
  function spreadVerdict() {
    if (!claim) return;
    const summary = verdictSummary(claim.verdict) ?? null;
    const changed = store
      .all()
      .filter((s) => s.desk_claim === claim.id && JSON.stringify(s.verdict) !== JSON.stringify(summary))
      .map((s) => ({ ...s, verdict: summary }));
    if (changed.length) store.putAll(changed);
  }

  // --- proposals: the desk claims this CLAIM may rather be a mention of ---------------------

  async function propose() {
    const id = spanId;
    const s = span();
    let found;
    try {
      found = await api.proposals(documentId, s.start, s.end, [s.desk_claim]);
    } catch (error) {
      if (id === spanId) show(claimError, `No proposals: ${error.message}`);
      return;
    }
    if (id !== spanId) return;
    proposalList.replaceChildren();
    for (const p of found.proposals) {
      const li = el("li");
      const button = el("button", "proposal");
      button.type = "button";
      button.append(el("q", "", p.desk_claim.wording));
      const bits = [`${Math.round(p.score * 100)}%`, p.reason];
      const count = p.desk_claim.mention_count;
      bits.push(`${count} mention${count === 1 ? "" : "s"}`);
      if (p.desk_claim.verdict) bits.push(`verdict: ${ratingName(p.desk_claim.verdict.rating)}`);
      button.append(el("span", "muted proposal-meta", bits.join(" · ")));
      button.addEventListener("click", () => move(p.desk_claim.id));
      li.append(button);
      proposalList.append(li);
    }
    // "A new desk claim" is worth offering when the claim is now shared with other mentions.
    proposalNew.hidden = !claim || claim.mentions.length <= 1;
    proposalsEl.hidden = !found.proposals.length && proposalNew.hidden;
  }

  async function move(deskClaimId) {
    const s = span();
    show(claimError, "");
    try {
      const moved = await api.moveMention(s.id, deskClaimId, s.version);
      store.put(moved);
      notify.say(deskClaimId === null ? "Now a new desk claim." : "Now a mention of that desk claim.");
      await open(moved);
    } catch (error) {
      show(claimError, `Not moved: ${error.message}`);
    }
  }

  proposalNew.addEventListener("click", () => move(null));

  // --- the wording ----------------------------------------------------------------------------

  wordingForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(claimError, "");
    try {
      const saved = await api.updateDeskClaim(claim.id, { wording: wordingInput.value, version: claim.version });
      claim = saved;
      touched.delete(wordingForm);
      render();
      notify.say("Wording saved.");
    } catch (error) {
      if (error.status === 409 && error.body.current) {
        show(claimError, `Someone else changed the wording since you opened it; it now reads “${error.body.current.wording}”. Yours is still in the field: save again to replace theirs.`);
        claim.version = error.body.current.version;
      } else show(claimError, `Wording not saved: ${error.message}`);
    }
  });

  // --- my rating ------------------------------------------------------------------------------

  ratingForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    ratingMessage.clear();
    if (!ratingInput.value) {
      ratingMessage.fail("Choose a rating.");
      ratingInput.focus();
      return;
    }
    const [links, problem] = parseLinks(ratingLinks.value);
    if (problem) {
      ratingMessage.fail(problem);
      ratingLinks.focus();
      return;
    }
    const own = mine();
    const fields = { rating: ratingInput.value, rationale: ratingRationale.value, evidence_links: links };
    try {
      await api.setRating(claim.id, { ...fields, version: own ? own.version : null });
      touched.delete(ratingForm);
      ratingMessage.ok(`Your rating saved: ${ratingName(fields.rating)}.`);
    } catch (error) {
      if (error.status === 409) {
        touched.delete(ratingForm);
        ratingMessage.fail("Your rating was changed elsewhere; here it is as it is now.");
      } else ratingMessage.fail(`Rating not saved: ${error.message}`);
    }
    await load(); // the first rating also made the verdict
  });

  ratingDelete.addEventListener("click", async () => {
    const own = mine();
    if (!own) return;
    const deskClaimId = claim.id;
    try {
      await api.deleteRating(deskClaimId, own.version);
      ratingMessage.ok("Your rating was withdrawn (Ctrl+Z puts it back).");
      undo?.push(`withdrawing your rating (${ratingName(own.rating)})`, async () => {
        const { rating, rationale, evidence_links } = own;
        await api.setRating(deskClaimId, { rating, rationale, evidence_links, version: null });
        if (claim && claim.id === deskClaimId) await load();
      });
    } catch (error) {
      ratingMessage.fail(`Not withdrawn: ${error.message}`);
    }
    await load();
  });

  // --- the desk's verdict ---------------------------------------------------------------------

  function fillVerdict(v) {
    const start = v || (claim && claim.ratings.length ? fromRatings(claim.ratings) : null);
    verdictRating.value = start ? start.rating : "";
    verdictRationale.value = start ? start.rationale : "";
    verdictLinks.value = start ? start.evidence_links.join("\n") : "";
    verdictLinks.removeAttribute("aria-invalid");
    verdictReviewUrl.value = v ? v.review_url || "" : "";
    verdictReviewUrl.removeAttribute("aria-invalid");
    verdictConflict.hidden = true;
    showVerdictState(v);
  }

  function showVerdictState(v) {
    let status = claim && claim.ratings.length ? "No verdict yet: the form holds what the ratings say." : "No verdict yet.";
    if (v) {
      status = `${ratingName(v.rating)} · by ${v.author} · version ${v.version} · review: ${statusName(v.review_status)}`;
      if (v.review_status === "rejected" && v.review_reason) status += ` — reason: ${v.review_reason}`;
    }
    const statusEl = $(root, "#verdict-status");
    verdictRemove.hidden = !v || !claim; // usable once the desk claim is read
    statusEl.textContent = status;
    statusEl.className = v ? `review-${v.review_status}` : "muted";
    renderHistory(v ? v.history || [] : []);
  }

  function describeVerdict(v) {
    if (!v || !v.rating) return "no verdict";
    const links = v.evidence_links && v.evidence_links.length ? v.evidence_links.join(", ") : "no links";
    return `${ratingName(v.rating)}; rationale “${v.rationale || ""}”; evidence: ${links}`;
  }

  function renderHistory(entries) {
    historyEl.replaceChildren();
    for (const entry of entries) {
      const li = el("li");
      const when = el("time", "", new Date(entry.at).toLocaleString());
      when.dateTime = entry.at;
      li.append(when, ` ${entry.actor || "the desk"} ${VERBS[entry.action] || entry.action}: `);
      li.append(el("span", "history-after", entry.after ? describeVerdict(entry.after) : "deleted the verdict"));
      if (entry.before) li.append(el("span", "history-before muted", ` (was ${describeVerdict(entry.before)})`));
      historyEl.append(li);
    }
    if (!entries.length) historyEl.append(el("li", "muted", "No changes yet."));
  }

  async function saveVerdict(fields, version) {
    verdictMessage.clear();
    try {
      const saved = await api.setVerdict(claim.id, { ...fields, version });
      claim.verdict = saved;
      touched.delete(verdictForm);
      fillVerdict(saved);
      spreadVerdict();
      verdictMessage.ok(`Verdict saved: ${ratingName(saved.rating)}.`);
    } catch (error) {
      if (error.status === 409 && error.body.current) showVerdictConflict(error.body.current, fields);
      else verdictMessage.fail(`Verdict not saved: ${error.message}`);
    }
  }

  // Removing the desk's verdict: the way out when a claim should not have one (or before
  // changing a rated claim's label). The history keeps it; Ctrl+Z sets it again.
  async function removeVerdict() {
    if (!claim || !claim.verdict) return;
    const old = claim.verdict;
    const deskClaimId = claim.id;
    try {
      await api.deleteVerdict(deskClaimId, old.version);
    } catch (error) {
      if (error.status === 409) {
        verdictMessage.fail("Someone else changed this verdict since you opened it; here it is as it is now.");
        await load();
      } else verdictMessage.fail(`Verdict not removed: ${error.message}`);
      return;
    }
    claim.verdict = null;
    touched.delete(verdictForm);
    fillVerdict(null);
    renderHistory([{ at: new Date().toISOString(), actor: me, action: "delete", before: old, after: null }, ...(old.history || [])]);
    spreadVerdict();
    verdictMessage.ok(`Verdict removed (was ${ratingName(old.rating)}). Ctrl+Z sets it again.`);
    undo?.push(`removing the verdict (${ratingName(old.rating)})`, async () => {
      const { rating, rationale, evidence_links, review_url } = old;
      const again = await api.setVerdict(deskClaimId, { rating, rationale, evidence_links, review_url: review_url || "", version: null });
      const summary = verdictSummary(again);
      const mentions = store.all().filter((sp) => sp.desk_claim === deskClaimId).map((sp) => ({ ...sp, verdict: summary }));
      if (mentions.length) store.putAll(mentions);
      if (claim && claim.id === deskClaimId) await load();
    });
  }

  verdictRemove.addEventListener("click", removeVerdict);

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
    keep.addEventListener("click", () => {
      touched.delete(verdictForm);
      load();
    });
    const overwrite = el("button", "", "Save my verdict over theirs");
    overwrite.type = "button";
    overwrite.addEventListener("click", () => saveVerdict(fields, current.version));
    verdictConflict.append(keep, " ", overwrite);
    verdictConflict.hidden = false;
    keep.focus();
  }

  $(root, "#verdict-from-ratings").addEventListener("click", () => {
    if (!claim || !claim.ratings.length) {
      verdictMessage.fail("No one has rated this claim yet.");
      return;
    }
    const start = fromRatings(claim.ratings);
    verdictRating.value = start.rating;
    verdictRationale.value = start.rationale;
    verdictLinks.value = start.evidence_links.join("\n");
  });

  verdictForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!verdictRating.value) {
      verdictMessage.fail("Choose a rating.");
      verdictRating.focus();
      return;
    }
    const [links, problem] = parseLinks(verdictLinks.value);
    if (problem) {
      verdictLinks.setAttribute("aria-invalid", "true");
      verdictMessage.fail(problem);
      verdictLinks.focus();
      return;
    }
    verdictLinks.removeAttribute("aria-invalid");
    const [articles, articleProblem] = parseLinks(verdictReviewUrl.value);
    if (articleProblem) {
      verdictReviewUrl.setAttribute("aria-invalid", "true");
      verdictMessage.fail(articleProblem.replace("Link 1", "The fact-check article"));
      verdictReviewUrl.focus();
      return;
    }
    verdictReviewUrl.removeAttribute("aria-invalid");
    if (!claim) {
      verdictMessage.fail("The desk claim is still being read; save again in a moment.");
      return;
    }
    const fields = {
      rating: verdictRating.value,
      rationale: verdictRationale.value,
      evidence_links: links,
      review_url: articles[0] || "",
    };
    saveVerdict(fields, claim.verdict ? claim.verdict.version : null);
  });

  return { open, close, shownFor: () => spanId };
}
