// Messages to the reviewer: a polite status line (saved, deleted with Undo) and an alert for
// failures. Text only: messages come from the server and may quote the article.

export function createNotifier(statusEl, alertEl) {
  let timer = null;

  function clear() {
    clearTimeout(timer);
    statusEl.replaceChildren();
    statusEl.hidden = true;
  }

  return {
    say(message, { action, timeout = 4000 } = {}) {
      clear();
      const text = document.createElement("span");
      text.textContent = message;
      statusEl.append(text);
      if (action) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = action.label;
        button.addEventListener("click", () => {
          clear();
          action.run();
        });
        statusEl.append(" ", button);
      }
      statusEl.hidden = false;
      timer = setTimeout(() => {
        clear();
        if (action && action.expire) action.expire();
      }, timeout);
    },
    error(message) {
      alertEl.textContent = message;
      alertEl.hidden = false;
    },
    clearError() {
      alertEl.textContent = "";
      alertEl.hidden = true;
    },
  };
}
