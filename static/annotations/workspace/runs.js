// The document's suggestion run: its state on the page (queued and why it waits, running, done
// with counts, failed with the reason) and the Suggest button that asks for a new one. While the
// newest run is queued or running the page asks the runs endpoint again, a little less often
// each time; it stops once the run is done or failed, and a run that finishes while the page
// watches brings its new suggestions in (onDone).

const FIRST_DELAY = 1000;
const MAX_DELAY = 5000;

function time(value) {
  return value ? new Date(value).toLocaleTimeString() : "";
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeRun(run) {
  if (!run) return "No suggestion run yet.";
  const c = run.counts || {};
  switch (run.status) {
    case "queued":
      return run.error
        ? `Queued. ${run.error}`
        : run.enqueued_at
          ? `Queued at ${time(run.enqueued_at)}: waiting for a worker to pick it up.`
          : "Queued: about to be handed to the task queue.";
    case "running":
      return `Running since ${time(run.started_at)}…`;
    case "done":
      // How many are open now is the Suggestions heading's count (it follows every decision);
      // the run's own count of open ones went stale with the first decision after it.
      return (
        `Done at ${time(run.finished_at)}: ${plural(c.suggested ?? 0, "candidate")} found, ` +
        `${c.created ?? 0} new, ${c.updated ?? 0} updated, ${c.removed ?? 0} removed, ` +
        `${c.skipped ?? 0} skipped as already decided.`
      );
    case "failed":
      return `Failed: ${run.error || "no reason was recorded."}`;
    default:
      return run.status;
  }
}

const active = (run) => run && (run.status === "queued" || run.status === "running");

export function createRunState({ stateEl, button, api, urls, initial, notify, onDone }) {
  let run = initial;
  let timer = null;
  let delay = FIRST_DELAY;
  let busy = false;
  let watched = false; // seen queued or running by this page: its end brings new suggestions

  function show() {
    stateEl.textContent = describeRun(run);
    stateEl.dataset.status = run ? run.status : "none";
    // While a worker is on it, asking again would only queue a duplicate. A queued run may be
    // asked for again: that hands it to the broker once more (a retry after an outage).
    button.disabled = Boolean(run && run.status === "running");
  }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (!active(run) || document.hidden) return;
    timer = setTimeout(poll, delay);
    delay = Math.min(MAX_DELAY, Math.round(delay * 1.5));
  }

  async function poll() {
    timer = null;
    if (busy) return;
    busy = true;
    try {
      const runs = await api.runs(urls.runs);
      const newest = runs[0] || null;
      const finished = watched && newest && newest.status === "done";
      run = newest;
      show();
      if (active(run)) watched = true;
      if (finished) {
        watched = false;
        await onDone(run);
      } else if (run && run.status === "failed") {
        watched = false;
      }
    } catch (error) {
      stateEl.textContent = `${describeRun(run)} (Could not check it just now: ${error.message})`;
    }
    busy = false;
    schedule();
  }

  async function request() {
    button.disabled = true;
    notify.clearError();
    try {
      run = await api.requestRun(urls.suggest);
      watched = true;
      delay = FIRST_DELAY;
      show();
      schedule();
    } catch (error) {
      notify.error(`No new run was started: ${error.message}`);
    } finally {
      show();
    }
  }

  button.addEventListener("click", request);
  // A hidden tab stops asking; it asks at once when it is shown again.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && active(run) && timer === null) {
      delay = FIRST_DELAY;
      poll();
    }
  });

  show();
  if (active(run)) {
    watched = true;
    schedule();
  }
  return { current: () => run };
}
