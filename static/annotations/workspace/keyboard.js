// Every keyboard shortcut of the workspace, in one place. Modules register bindings; one
// keydown listener dispatches to the first binding whose key matches and whose `when` holds.
//
//   bind({ keys: ["c"], when: () => menu.isOpen(), run: () => tag("CLAIM"), help: "Claim" })
//
// Keys are KeyboardEvent.key values, lower-cased for letters, with "shift+", "ctrl+" or
// "alt+" prefixes. Letter shortcuts never fire while the user types in a field.

const bindings = [];

function typing(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

function keyName(event) {
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const mods = [];
  if (event.ctrlKey || event.metaKey) mods.push("ctrl");
  if (event.altKey) mods.push("alt");
  if (event.shiftKey && key.length > 1) mods.push("shift"); // shift+letter is just the letter
  return [...mods, key].join("+");
}

export function bind(binding) {
  bindings.push({ inFields: false, ...binding });
}

export function bindingsHelp() {
  return bindings.filter((b) => b.help).map((b) => ({ keys: b.keys, help: b.help }));
}

export function listen(root = document) {
  root.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    const name = keyName(event);
    const inField = typing(event.target);
    for (const binding of bindings) {
      if (!binding.keys.includes(name)) continue;
      if (inField && !binding.inFields) continue;
      if (binding.when && !binding.when(event)) continue;
      event.preventDefault();
      binding.run(event);
      return;
    }
  });
}
