// The upload page's progress bar: send the same form with XMLHttpRequest (fetch cannot report
// upload progress) and show the server's per-file, per-line answer. A .jsonl file becomes an
// import job: the list of jobs is fetched again from the page itself (the server renders it,
// one template) every second while one is queued or running. Without this module the form
// posts normally, the server renders the same results and the page refreshes itself.
const form = document.getElementById("upload-form");
const progress = document.getElementById("upload-progress");
const statusLine = document.getElementById("upload-status");
const results = document.getElementById("upload-results");
const REFRESH_MS = 1000;
let refreshing = null;

async function refreshJobs() {
  clearTimeout(refreshing); // one refresh at a time, whoever asked for it
  refreshing = null;
  let html;
  try {
    const answer = await fetch(window.location.pathname, { headers: { Accept: "text/html" } });
    if (!answer.ok) throw new Error(`${answer.status}`);
    html = await answer.text();
  } catch {
    refreshing = setTimeout(refreshJobs, 5 * REFRESH_MS); // the server is away: try later
    return;
  }
  const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-jobs");
  const jobs = document.getElementById("import-jobs");
  if (fresh && jobs) jobs.replaceWith(fresh);
  watchJobs();
}

function watchJobs() {
  const jobs = document.getElementById("import-jobs");
  if (jobs && jobs.hasAttribute("data-active") && refreshing === null) {
    refreshing = setTimeout(refreshJobs, REFRESH_MS);
  }
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function show(answer) {
  results.replaceChildren();
  if (answer.problem) results.append(element("p", answer.problem, "error"));
  for (const file of answer.files) {
    const box = element("div", undefined, "upload-result");
    box.append(element("h2", file.name));
    box.append(element("p", file.job
      ? "Queued for import: its progress is below."
      : file.committed
      ? `${plural(file.documents_created, "document")} and ${plural(file.spans_created, "span")} imported.`
      : "Nothing was imported from this file."));
    if (file.errors.length) {
      const list = element("ul", undefined, "line-errors");
      for (const error of file.errors) {
        list.append(element("li", (error.line ? `Line ${error.line}: ` : "") + error.reason));
      }
      if (file.error_count > file.errors.length) {
        list.append(element("li", `… and ${file.error_count} refused lines in all.`));
      }
      box.append(list);
    }
    results.append(box);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  const request = new XMLHttpRequest();
  request.open("POST", form.action || window.location.href);
  request.setRequestHeader("Accept", "application/json");
  request.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    const percent = Math.round((100 * e.loaded) / e.total);
    progress.value = percent;
    progress.textContent = `${percent}%`;
    statusLine.textContent = percent < 100 ? `Uploading… ${percent}%` : "Checking each line…";
  });
  request.addEventListener("load", () => {
    button.disabled = false;
    progress.hidden = true;
    let answer;
    try {
      answer = JSON.parse(request.responseText);
    } catch {
      statusLine.textContent = `The server answered ${request.status}; nothing more is known.`;
      return;
    }
    statusLine.textContent = "Done.";
    show(answer);
    if (answer.files.some((file) => file.job)) refreshJobs();
  });
  request.addEventListener("error", () => {
    button.disabled = false;
    progress.hidden = true;
    statusLine.textContent = "The upload failed (network). Nothing you see here changed.";
  });
  button.disabled = true;
  progress.value = 0;
  progress.hidden = false;
  statusLine.textContent = "Uploading…";
  request.send(new FormData(form));
});

watchJobs();
