// Selecting text and tagging it: the tag menu opens at a selection made with the mouse or with
// Shift+arrows, and offers Claim, Quote and Opinion (keys C, Q, O; Escape cancels). What is
// tagged is fixed when the menu opens, so clicking a menu button cannot change it.

import { rangeUnits } from "./offsets.js";

export function createSelection({ container, wrap, menu, offsets, onTag }) {
  let pending = null; // { start, end, text, startUnits, endUnits } of the open menu

  function selectionInText() {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(container)) return null;
    return range;
  }

  function place(range) {
    const rects = range.getClientRects();
    const rect = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    const box = wrap.getBoundingClientRect();
    const maxLeft = Math.max(0, wrap.clientWidth - menu.offsetWidth);
    menu.style.top = `${rect.bottom - box.top + 6}px`;
    menu.style.left = `${Math.min(Math.max(0, rect.right - box.left - 20), maxLeft)}px`;
  }

  // Open (or move) the menu for the current selection; true when there is one to tag.
  function check() {
    const range = selectionInText();
    const chosen = range ? offsets.selection(...rangeUnits(container, range)) : null;
    if (!chosen) {
      close();
      return false;
    }
    pending = chosen;
    menu.hidden = false;
    place(range);
    return true;
  }

  function close() {
    pending = null;
    menu.hidden = true;
  }

  function tag(label) {
    if (!pending) return;
    const chosen = pending;
    close();
    // Leave a caret at the end of what was tagged, so keyboard work carries on from there.
    const selection = document.getSelection();
    if (selection && selection.rangeCount) selection.collapseToEnd();
    onTag({ label, ...chosen });
  }

  function cancel() {
    close();
    const selection = document.getSelection();
    if (selection && selection.rangeCount && selectionInText()) selection.collapseToEnd();
  }

  // At mouseup the selection is final; a click on a selection collapses it only afterwards,
  // so look again once the click is over.
  document.addEventListener("mouseup", (event) => {
    if (menu.contains(event.target)) return;
    check();
    setTimeout(check, 0);
  });
  document.addEventListener("selectionchange", () => {
    // A selection shrunk to nothing (a click elsewhere) closes the menu.
    if (pending && !selectionInText()) close();
  });
  menu.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  menu.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.label) tag(button.dataset.label);
    else cancel();
  });

  return {
    isOpen: () => pending !== null,
    // For the tag keys: a selection made by a script or too fast for mouseup still counts.
    ready: () => pending !== null || check(),
    check,
    tag,
    cancel,
  };
}
