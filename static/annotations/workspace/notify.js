// Messages to the reviewer: a polite status line (saved, deleted with Undo) and an alert for
// failures. Text only: messages come from the server and may quote the article.
//
// One message at a time in each place: a new one replaces the last (a success also clears the
// page's last failure, so "saved" never stands beside an older "not saved"). Panels have their
// own line (createAreaMessage), replaced the same way.

// At most `max` characters of `text`, cut at a word boundary with an ellipsis, never mid-word
// nor inside a surrogate pair.
export function excerpt(text, max = 60) {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed; // UTF-16 units never undercount code points
  // Only the start is looked at (the span list shows thousands of excerpts).
  const chars = Array.from(trimmed.slice(0, 2 * max + 2));
  if (chars.length <= max && trimmed.length <= 2 * max + 2) return trimmed;
  const cut = chars.slice(0, max).join("");
  const space = cut.search(/\s\S*$/u);
  return `${(space > max / 3 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/u, "")}…`;
}

export function createNotifier(statusEl, alertEl) {
  let timer = null;

  function clear() {
    clearTimeout(timer);
    statusEl.replaceChildren();
    statusEl.hidden = true;
  }

  function clearError() {
    alertEl.textContent = "";
    alertEl.hidden = true;
  }

  return {
    say(message, { action, timeout = 4000 } = {}) {
      clear();
      clearError();
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
      clear();
      alertEl.textContent = message;
      alertEl.hidden = false;
    },
    clearError,
    hide: clear,
  };
}

// A panel's failure line, tied to the page's status line: a success is said in the status line
// (and clears the panel's failure), a failure shows in the panel (and clears the status line),
// so "saved" and "not saved" never stand side by side.
export function createAreaMessage(el, notify) {
  function set(message) {
    el.textContent = message;
    el.hidden = !message;
  }
  return {
    ok(message, options) {
      set("");
      notify.say(message, options);
    },
    fail(message) {
      notify.hide();
      set(message);
    },
    clear: () => set(""),
  };
}
