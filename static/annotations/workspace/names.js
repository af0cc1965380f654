// Names a QUOTE's speaker is likely to be: the speakers already given in this document, then the
// people and organisations the article names (the server reads them: annotations/suggest/
// people.py, the same canonical names the quote suggestions give, "Rita Katz" rather than
// "Spokeswoman Rita Katz", and never a date or a fragment such as "Easter Sunday"). Offered as
// suggestions; the reviewer may type anything.

export function speakerNames(people, spans, limit = 40) {
  const given = spans.map((s) => s.speaker).filter(Boolean);
  return Array.from(new Set([...given, ...people])).slice(0, limit);
}
