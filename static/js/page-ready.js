// When the page is ready for the entry points, and what it holds.

// Run ``fn`` once the document is fully parsed (async module scripts can run earlier).
export function whenParsed(fn) {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fn, { once: true });
  } else {
    fn();
  }
}

// Does the page show chapters (headings in its transcript)? Asked before chapters.js is
// fetched, so a page without any never loads it.
export function hasChapters(page) {
  return Boolean(page.querySelector("#cues .chapter-heading"));
}
