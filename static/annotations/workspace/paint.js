// Painting highlights over the text. Spans may overlap and nest, so the text is cut at every
// boundary and each piece is wrapped in one <mark> per item covering it, outermost first. An
// item is then one or more <mark> elements; the container's textContent stays the text, exactly.
//
// Items are generic: { start, end } in code points, `rank` (lower wraps higher when two start
// and end together), and decorate(mark) to set its class and data attributes. Spans are one
// kind; another kind (machine suggestions) is painted by passing more items.

export function paint(container, text, offsets, items) {
  const entries = items.map((item) => ({
    item,
    a: offsets.toUnits(item.start),
    b: offsets.toUnits(item.end),
  }));
  entries.sort((x, y) => x.a - y.a || y.b - x.b || (x.item.rank || 0) - (y.item.rank || 0));

  const cuts = new Set([0, text.length]);
  for (const e of entries) {
    cuts.add(e.a);
    cuts.add(e.b);
  }
  const boundaries = Array.from(cuts).sort((x, y) => x - y);

  const marks = new Map(); // item -> its <mark> elements, in text order
  for (const e of entries) marks.set(e.item, []);
  const fragment = document.createDocumentFragment();
  let active = [];
  let next = 0;
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const left = boundaries[i];
    const right = boundaries[i + 1];
    if (active.length) active = active.filter((e) => e.b > left);
    while (next < entries.length && entries[next].a === left) active.push(entries[next++]);
    const piece = document.createTextNode(text.slice(left, right));
    if (!active.length) {
      fragment.append(piece);
      continue;
    }
    let outer = null;
    let inner = null;
    for (const e of active) {
      const mark = document.createElement("mark");
      e.item.decorate(mark);
      marks.get(e.item).push(mark);
      if (inner) inner.append(mark);
      else outer = mark;
      inner = mark;
    }
    inner.append(piece);
    fragment.append(outer);
  }
  container.replaceChildren(fragment);
  return marks;
}
