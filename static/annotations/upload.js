// The upload page's progress bar: send the same form with XMLHttpRequest (fetch cannot report
// upload progress) and show the server's per-file, per-line answer. Without this module the
// form posts normally and the server renders the same results.
const form = document.getElementById("upload-form");
const progress = document.getElementById("upload-progress");
const statusLine = document.getElementById("upload-status");
const results = document.getElementById("upload-results");

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
    box.append(element("p", file.committed
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
