// Selecting text and tagging it: the tag menu opens at a selection made with the mouse or with
// Shift+arrows, and offers Claim, Quote and Opinion (keys C, Q, O; Escape cancels). What is
// tagged is fixed when the menu opens, so clicking a menu button cannot change it. A selection
// made with the mouse grows to whole words (words.js) unless Alt is held as the mouse is
// released; the menu shows the words it will tag.

import { pointAt, rangeUnits } from "./offsets.js";
import { snapToWords } from "./words.js";

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

  const preview = menu.querySelector(".tag-preview");

  // Show the grown selection, so what is highlighted is what will be tagged.
  function select(range, startUnits, endUnits) {
    const a = pointAt(container, startUnits);
    const b = pointAt(container, endUnits);
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Open (or move) the menu for the current selection; true when there is one to tag.
  // `words`: grow it to whole words (a mouse selection without Alt).
  function check({ words = false } = {}) {
    const range = selectionInText();
    let units = range ? rangeUnits(container, range) : null;
    if (units && words) {
      const snapped = snapToWords(offsets.text, Math.min(...units), Math.max(...units));
      if (snapped[0] !== Math.min(...units) || snapped[1] !== Math.max(...units)) {
        units = snapped;
        select(range, ...snapped);
      }
    }
    const chosen = units ? offsets.selection(...units) : null;
    if (!chosen) {
      close();
      return false;
    }
    pending = chosen;
    if (preview) {
      const shown = chosen.text.length > 80 ? `${chosen.text.slice(0, 40)} … ${chosen.text.slice(-30)}` : chosen.text;
      preview.textContent = `“${shown}”`;
    }
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
    // Leave a caret at the end of what was tagged, so keyboard work carries on from there.
    // Before the menu is hidden: Chromium lays the page out to move a selection, and with the
    // menu just hidden that would be a forced layout on the way to the new highlight.
    const selection = document.getSelection();
    if (selection && selection.rangeCount) selection.collapseToEnd();
    close();
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
    const words = !event.altKey;
    check({ words });
    setTimeout(() => {
      // The first look snapped the selection already; look again only if the click changed it.
      if (!pending || !selectionInText()) check({ words });
    }, 0);
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
    check: () => check(),
    tag,
    cancel,
  };
}
