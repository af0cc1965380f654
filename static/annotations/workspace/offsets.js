// The one place where the browser's offsets meet the server's.
//
// The DOM counts UTF-16 code units; the server (Python) counts Unicode code points. A character
// outside the Basic Multilingual Plane (most emoji, some CJK) is two code units but one code
// point, so every offset that crosses the wire goes through an OffsetMap. Combining marks,
// joiners and right-to-left text need nothing special: each is its own code point in both.

function isHigh(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

export class OffsetMap {
  constructor(text) {
    this.text = text;
    // UTF-16 index of every surrogate pair (one astral code point), ascending.
    // Found by the regular expression engine: a loop over a long article's characters in
    // script took tens of milliseconds of the workspace's start.
    const pairs = [];
    for (const found of text.matchAll(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)) pairs.push(found.index);
    this.pairs = pairs;
    this.length = text.length - pairs.length; // in code points
  }

  // Code point index -> UTF-16 index.
  toUnits(codePoint) {
    // Pairs whose code point index (pairs[k] - k) lies before `codePoint` add one unit each.
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] - mid < codePoint) lo = mid + 1;
      else hi = mid;
    }
    return codePoint + lo;
  }

  // UTF-16 index -> code point index. An index inside a pair counts as the pair's start.
  toCodePoints(units) {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] + 1 < units) lo = mid + 1;
      else hi = mid;
    }
    return units - lo;
  }

  // Never cut a surrogate pair: a start moves back to the pair, an end forward past it.
  snapStart(units) {
    return units > 0 && isLow(this.text.charCodeAt(units)) && isHigh(this.text.charCodeAt(units - 1))
      ? units - 1
      : units;
  }

  snapEnd(units) {
    return this.snapStart(units) === units ? units : units + 1;
  }

  // What the server is sent for a selection [start, end) in UTF-16 units: white space at both
  // ends trimmed, pairs kept whole, offsets in code points and the exact text they cover.
  selection(startUnits, endUnits) {
    let a = this.snapStart(Math.max(0, Math.min(startUnits, endUnits)));
    let b = this.snapEnd(Math.min(this.text.length, Math.max(startUnits, endUnits)));
    while (a < b && /\s/.test(this.text[a])) a++;
    while (b > a && /\s/.test(this.text[b - 1])) b--;
    if (a >= b) return null;
    return {
      start: this.toCodePoints(a),
      end: this.toCodePoints(b),
      text: this.text.slice(a, b),
      startUnits: a,
      endUnits: b,
    };
  }
}

// A DOM point (node, offset) -> UTF-16 index into container.textContent. Points outside the
// container clamp to its start or end (a drag that ends past the last word).
export function unitsAt(container, node, offset) {
  if (node !== container && !container.contains(node)) {
    const position = container.compareDocumentPosition(node);
    return position & Node.DOCUMENT_POSITION_PRECEDING ? 0 : container.textContent.length;
  }
  if (node.nodeType !== Node.TEXT_NODE) {
    // offset counts child nodes: the point sits before child[offset].
    const child = node.childNodes[offset];
    if (!child) return unitsAt(container, node, 0) + node.textContent.length;
    node = child;
    offset = 0;
    if (node.nodeType !== Node.TEXT_NODE) {
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      const first = walker.nextNode();
      if (!first) return unitsAfter(container, node);
      node = first;
    }
  }
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let total = 0;
  for (let current = walker.nextNode(); current; current = walker.nextNode()) {
    if (current === node) return total + offset;
    total += current.length;
  }
  return total;
}

function unitsAfter(container, element) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let total = 0;
  for (let current = walker.nextNode(); current; current = walker.nextNode()) {
    if (element.compareDocumentPosition(current) & Node.DOCUMENT_POSITION_FOLLOWING) return total;
    total += current.length;
  }
  return total;
}

// A DOM Range -> [start, end) in UTF-16 units of the container's text.
export function rangeUnits(container, range) {
  return [
    unitsAt(container, range.startContainer, range.startOffset),
    unitsAt(container, range.endContainer, range.endOffset),
  ];
}

// UTF-16 index -> a DOM point inside the container (for placing the caret).
export function pointAt(container, units) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let total = 0;
  let last = null;
  for (let current = walker.nextNode(); current; current = walker.nextNode()) {
    if (units <= total + current.length) return { node: current, offset: units - total };
    total += current.length;
    last = current;
  }
  return last ? { node: last, offset: last.length } : { node: container, offset: 0 };
}
