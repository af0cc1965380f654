// A caret in the article for keyboard-only work. The text is not editable, so Chromium shows
// no caret and arrow keys would scroll; with the text focused, the arrow bindings move a
// collapsed selection (Selection.modify) and Shift+arrows extend it, and a drawn bar shows
// where the caret is.

import { pointAt } from "./offsets.js";

export function createCaret({ container, wrap, bar }) {
  function selection() {
    return document.getSelection();
  }

  function inText() {
    const s = selection();
    return s && s.rangeCount > 0 && container.contains(s.anchorNode) && container.contains(s.focusNode);
  }

  function placeAt(units) {
    const { node, offset } = pointAt(container, units);
    selection().collapse(node, offset);
    draw();
  }

  function ensure() {
    if (!inText()) placeAt(0);
  }

  function edge(forward) {
    return pointAt(container, forward ? container.textContent.length : 0);
  }

  function move(direction, granularity, extend) {
    ensure();
    const s = selection();
    if (granularity === "documentboundary") {
      // Selection.modify would run to the end of the page; the text's own ends are wanted.
      const { node, offset } = edge(direction === "forward");
      if (extend) s.extend(node, offset);
      else s.collapse(node, offset);
    } else {
      s.modify(extend ? "extend" : "move", direction, granularity);
      if (!container.contains(s.focusNode)) {
        // Moved past the first or last line: stop at the text's edge.
        const { node, offset } = edge(direction === "forward");
        if (extend) s.extend(node, offset);
        else s.collapse(node, offset);
      }
    }
    draw();
  }

  function draw() {
    const s = selection();
    if (document.activeElement !== container || !inText() || !s.isCollapsed) {
      bar.hidden = true;
      return;
    }
    const range = s.getRangeAt(0);
    let rect = range.getClientRects()[0];
    if (!rect) {
      // A collapsed range at the edge of a text node may have no box; use the next character's.
      const probe = range.cloneRange();
      try {
        probe.setEnd(range.startContainer, Math.min(range.startOffset + 1, range.startContainer.length || 0));
      } catch {
        /* not a text node */
      }
      rect = probe.getBoundingClientRect();
    }
    const box = wrap.getBoundingClientRect();
    bar.style.top = `${rect.top - box.top}px`;
    bar.style.left = `${rect.left - box.left}px`;
    bar.style.height = `${Math.max(rect.height, 16)}px`;
    bar.hidden = false;
  }

  container.addEventListener("focus", () => {
    // Only a keyboard focus needs a starting caret; a click places its own.
    if (container.matches(":focus-visible")) ensure();
    draw();
  });
  container.addEventListener("blur", () => {
    bar.hidden = true;
  });
  document.addEventListener("selectionchange", draw);

  return {
    focused: () => document.activeElement === container,
    move,
    placeAt,
    draw,
  };
}
