// Painting highlights over the text. Spans may overlap and nest, so the text is cut at every
// boundary and each piece is wrapped in one <mark> per item covering it, outermost first. An
// item is then one or more <mark> elements; the container's textContent stays the text, exactly.
//
// The text is laid out in blocks that end after each run of line breaks (a paragraph), so a
// change repaints, and Chromium lays out again, only the paragraphs it touches: that keeps
// tagging quick on a long article with thousands of spans.
//
// Items are generic: { key, start, end } in code points, `rank` (lower wraps higher when two
// start and end together), and decorate(mark) to set its class and data attributes. Spans are
// one kind; another kind (machine suggestions) is painted by passing more items.

function blockRanges(text) {
  const ranges = [];
  const breaks = /\n+/g;
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    const end = m.index + m[0].length;
    if (end < text.length) {
      ranges.push([start, end]);
      start = end;
    }
  }
  ranges.push([start, text.length]);
  return ranges;
}

// The blocks the server already cut (the workspace's article, readable before any script
// runs) are painted in place, when their texts joined are the text.
function givenBlocks(container, text) {
  const elements = Array.from(container.children);
  if (!elements.length || elements.some((el) => !el.classList.contains("text-block"))) return null;
  const blocks = [];
  let a = 0;
  for (const element of elements) {
    const b = a + element.textContent.length;
    blocks.push({ a, b, element, marks: new Map() });
    a = b;
  }
  return container.textContent === text ? blocks : null;
}

export function createPainter(container, text, offsets) {
  const given = givenBlocks(container, text);
  const blocks =
    given ||
    blockRanges(text).map(([a, b]) => {
      const element = document.createElement("span");
      element.className = "text-block";
      return { a, b, element, marks: new Map() };
    });
  let entries = [];

  // An item is decorated once a paint; its further pieces are copies of that first <mark>
  // (cloneNode copies the class, data attributes and title natively: most of a paint's time
  // went to setting them piece by piece).
  function markFor(e) {
    if (e.mark) return e.mark.cloneNode(false);
    e.mark = document.createElement("mark");
    e.item.decorate(e.mark);
    return e.mark;
  }

  function fill(block) {
    const inside = entries.filter((e) => e.a < block.b && e.b > block.a);
    const cuts = new Set([block.a, block.b]);
    for (const e of inside) {
      cuts.add(Math.max(e.a, block.a));
      cuts.add(Math.min(e.b, block.b));
    }
    const boundaries = Array.from(cuts).sort((x, y) => x - y);
    block.marks = new Map();
    const fragment = document.createDocumentFragment();
    let active = [];
    let next = 0;
    for (let i = 0; i + 1 < boundaries.length; i++) {
      const left = boundaries[i];
      const right = boundaries[i + 1];
      if (active.length) active = active.filter((e) => e.b > left);
      while (next < inside.length && Math.max(inside[next].a, block.a) === left) active.push(inside[next++]);
      const piece = document.createTextNode(text.slice(left, right));
      if (!active.length) {
        fragment.append(piece);
        continue;
      }
      let outer = null;
      let inner = null;
      for (const e of active) {
        const mark = markFor(e);
        const list = block.marks.get(e.item.key);
        if (list) list.push(mark);
        else block.marks.set(e.item.key, [mark]);
        if (inner) inner.append(mark);
        else outer = mark;
        inner = mark;
      }
      inner.append(piece);
      fragment.append(outer);
    }
    block.element.replaceChildren(fragment);
  }

  function prepare(items) {
    entries = items.map((item) => ({ item, a: offsets.toUnits(item.start), b: offsets.toUnits(item.end), mark: null }));
    entries.sort((x, y) => x.a - y.a || y.b - x.b || (x.item.rank || 0) - (y.item.rank || 0));
  }

  return {
    // Paint everything (the first paint).
    paint(items) {
      prepare(items);
      for (const block of blocks) fill(block);
      if (!given) container.replaceChildren(...blocks.map((b) => b.element));
    },
    // Paint again only the blocks that meet the given ranges (code points, end exclusive).
    update(items, ranges) {
      const touched = ranges.map(([s, e]) => [offsets.toUnits(s), offsets.toUnits(e)]);
      const dirty = blocks.filter((block) => touched.some(([a, b]) => a < block.b && b > block.a));
      if (!dirty.length) return;
      // Only the items in those blocks are placed and sorted: a tag on a long article handles
      // the few in its paragraph, not thousands.
      const from = offsets.toCodePoints(dirty[0].a);
      const to = offsets.toCodePoints(dirty[dirty.length - 1].b);
      prepare(items.filter((item) => item.start < to && item.end > from));
      for (const block of dirty) fill(block);
    },
    // An item's <mark> elements, in text order.
    marksOf(key) {
      const out = [];
      for (const block of blocks) {
        const list = block.marks.get(key);
        if (list) out.push(...list);
      }
      return out;
    },
  };
}
