// Undo: the reviewer's last actions in this workspace (tag, label change, delete, accept,
// reject, accept all, removing a verdict), each kept with the action that takes it back.
// Ctrl+Z undoes the latest; not while typing in a field, where Ctrl+Z is the field's own undo.
// Undoing goes through the same API as doing, so it is recorded in the history too.

const KEEP = 50;

export function createUndo({ notify }) {
  const done = [];
  let busy = false;

  // `label` says what is undone ("the Claim “…”"); `run` takes it back (async, may throw).
  function push(label, run) {
    done.push({ label, run });
    if (done.length > KEEP) done.shift();
  }

  async function undo() {
    if (busy) return;
    const last = done.pop();
    if (!last) {
      notify.say("Nothing to undo.");
      return;
    }
    busy = true;
    try {
      await last.run();
      notify.say(`Undone: ${last.label}.`);
    } catch (error) {
      notify.error(`Could not undo ${last.label}: ${error.message}`);
    } finally {
      busy = false;
    }
  }

  return { push, undo, size: () => done.length };
}
