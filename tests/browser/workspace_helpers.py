"""Driving the workspace as a person does: log in with the form, drag the mouse over words."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

# Boxes of the first and last character of the nth occurrence of a phrase in #document-text,
# found by walking its text nodes (DOM offsets are UTF-16 code units).
_BOXES = """
([phrase, occurrence]) => {
  const el = document.getElementById("document-text");
  const text = el.textContent;
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(phrase, at + 1);
  if (at < 0) throw new Error("phrase not in the text: " + phrase);
  const point = (units, preferNext) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let total = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const inside = preferNext ? units < total + n.length : units <= total + n.length;
      if (inside) return [n, units - total];
      total += n.length;
    }
    throw new Error("offset past the text");
  };
  const box = (a, b) => {
    const range = document.createRange();
    range.setStart(...point(a, true));
    range.setEnd(...point(b, false));
    const r = range.getClientRects()[0];
    return { left: r.left, right: r.right, y: r.top + r.height / 2 };
  };
  const first = String.fromCodePoint(phrase.codePointAt(0)).length;
  const lastChar = Array.from(phrase).pop().length;
  return {
    first: box(at, at + first),
    last: box(at + phrase.length - lastChar, at + phrase.length),
  };
}
"""


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()


def open_document(page: Page, base_url: str, document) -> None:
    page.goto(f"{base_url}/documents/{document.pk}/")
    expect(page.locator("#document-text[data-painted=true]")).to_be_attached()


def drag_select(page: Page, phrase: str, *, occurrence: int = 0, rtl: bool = False) -> None:
    """Press the mouse at the phrase's first character and release it at its last, as a
    reader does (in right-to-left text a word starts at its right edge)."""
    boxes = page.evaluate(_BOXES, [phrase, occurrence])
    first, last = boxes["first"], boxes["last"]
    start_x = first["right"] - 1 if rtl else first["left"] + 1
    end_x = last["left"] + 1 if rtl else last["right"] - 1
    page.mouse.move(start_x, first["y"])
    page.mouse.down()
    page.mouse.move(end_x, last["y"], steps=8)
    page.mouse.up()


def saved_mark(page: Page, label: str, text: str):
    """The highlight of a span once the server has stored it (no longer 'saving')."""
    mark = page.locator(f'mark[data-label="{label}"]:not(.hl-pending)', has_text=text).first
    expect(mark).to_be_visible()
    return mark
