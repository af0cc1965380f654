// Names a QUOTE's speaker is likely to be: the speakers already given in this document, then
// runs of two to four capitalised words that occur in the article ("Rita Katz"), most
// frequent first. Offered as suggestions; the reviewer may type anything.

const LEADING = new Set(["The", "A", "An", "In", "On", "At", "But", "And", "For", "As", "It", "He", "She", "They", "This", "That", "When", "While", "After", "Before", "If", "Its", "His", "Her"]);

export function speakerNames(text, spans, limit = 40) {
  const counts = new Map();
  const pattern = /\p{Lu}[\p{Ll}\p{M}'’-]+(?:\s+(?:\p{Lu}[\p{Ll}\p{M}'’-]+|\p{Lu}\.))+/gu;
  for (const match of text.matchAll(pattern)) {
    const words = match[0].split(/\s+/);
    while (words.length && LEADING.has(words[0])) words.shift();
    if (words.length < 2 || words.length > 4) continue;
    const name = words.join(" ");
    counts.set(name, (counts.get(name) || 0) + 1);
  }
  const given = spans.map((s) => s.speaker).filter(Boolean);
  const found = Array.from(counts.entries())
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([name]) => name);
  return Array.from(new Set([...given, ...found])).slice(0, limit);
}
