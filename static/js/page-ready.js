// Run ``fn`` once the document is fully parsed (async module scripts can run earlier).
export function whenParsed(fn) {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fn, { once: true });
  } else {
    fn();
  }
}
