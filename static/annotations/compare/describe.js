// A match in words: what the comparison page's list and detail, and the workspace's "where else it
// appears", say of it. `here` is the side ("a" or "b") of the article the reader is in; the other
// side is "there". Text only: everything here may quote an article.

export const KIND_NAMES = { quote: "Quote", claim: "Claim", number: "Number", loaded: "Loaded wording" };

export const RELATIONS = {
  compatible: "both can be true",
  conflict: "they conflict",
};

export const other = (side) => (side === "a" ? "b" : "a");

export function clip(text, length = 80) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

const quoted = (words) => (words ? `“${words}”` : "(nothing)");

// The differing words of a quote, here first: “jihadists” / “militants”; “Isil” / “IS”.
export function differencesText(match, here = "a") {
  const there = other(here);
  const differences = match.details.differences || [];
  return differences.map((d) => `${quoted(d[here])} / ${quoted(d[there])}`).join("; ");
}

// A number told differently: more than 250 people / at least 253 people (both can be true).
export function valuesText(match, here = "a") {
  const values = match.details.value || {};
  const mine = values[here] ? values[here].text : match[here].text;
  const theirs = values[other(here)] ? values[other(here)].text : match[other(here)].text;
  const relation = RELATIONS[match.details.relation] || match.details.relation || "";
  return `${mine} / ${theirs}${relation ? ` (${relation})` : ""}`;
}

// Loaded wording: “occupied Kashmir” for “India-administered Kashmir”.
export function loadedText(match) {
  return `${quoted(match.details.term || match.a.text)} for ${quoted(match.details.neutral || match.b.text)}`;
}

export function speakerOf(match) {
  const speaker = match.details.speaker || {};
  return speaker.canonical || speaker.a || speaker.b || "";
}

// One line: what differs, by kind.
export function summary(match, here = "a") {
  switch (match.kind) {
    case "quote":
      return match.details.wording === "identical"
        ? "Same words"
        : `Worded differently: ${differencesText(match, here) || "see the texts"}`;
    case "number":
      return valuesText(match, here);
    case "loaded":
      return `Loaded: ${loadedText(match)}`;
    default: {
      const shared = match.details.shared || [];
      return shared.length ? `Shares: ${shared.join(", ")}` : "The same assertion in other words";
    }
  }
}

export const STATUS_NAMES = { open: "open", confirmed: "confirmed", dismissed: "dismissed" };
