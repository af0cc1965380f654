// Whole words: a selection made with the mouse that starts or ends inside a word grows to the
// word's edge, so a sloppy drag ("stablished a “provin") saves "established a “province". Alt
// held when the mouse is released keeps the exact selection.
//
// Works in UTF-16 units of the text (what the DOM gives); offsets.js turns the result into code
// points. A character outside the BMP is read whole (its surrogate pair), so an emoji or a CJK
// extension character is never cut; combining marks, joiners and emoji modifiers belong to the
// word they follow.

const WORD = /[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}\u200c\u200d_]/u;
// Han, Hiragana and Katakana are written without spaces: each character is a word of its own.
const OWN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const JOIN = /['’\-]/u; // inside a word ("don't", "India-controlled"), not at its ends

function charAt(text, i) {
  if (i < 0 || i >= text.length) return null;
  const cp = text.codePointAt(i);
  const low = text.charCodeAt(i);
  if (low >= 0xdc00 && low <= 0xdfff && i > 0) {
    const high = text.charCodeAt(i - 1);
    if (high >= 0xd800 && high <= 0xdbff) return { ch: text.slice(i - 1, i + 1), at: i - 1, size: 2 };
  }
  const size = cp > 0xffff ? 2 : 1;
  return { ch: String.fromCodePoint(cp), at: i, size };
}

const before = (text, i) => charAt(text, i - 1);

function isWord(c) {
  return c !== null && WORD.test(c.ch) && !OWN.test(c.ch);
}

// A joiner counts as inside a word when word characters are on both sides of it.
function inWord(text, c) {
  if (isWord(c)) return true;
  if (c === null || !JOIN.test(c.ch)) return false;
  return isWord(before(text, c.at)) && isWord(charAt(text, c.at + c.size));
}

// [a, b) in UTF-16 units -> the smallest range of whole words containing it.
export function snapToWords(text, a, b) {
  let start = a;
  let end = b;
  if (start < end) {
    // The start is inside a word when the characters on both sides of it are word characters.
    if (inWord(text, charAt(text, start))) {
      for (let c = before(text, start); c !== null && inWord(text, c); c = before(text, start)) start = c.at;
    }
    if (inWord(text, before(text, end))) {
      for (let c = charAt(text, end); c !== null && inWord(text, c); c = charAt(text, end)) end = c.at + c.size;
    }
  }
  return [start, end];
}
