// Copying and sharing text: the clipboard (with the old execCommand way as a fallback),
// the share sheet on touch devices, and a toast that says what happened. When nothing
// can copy, the toast shows the text selected in a field for the reader to copy by hand.

const TOAST_MS = 2600;

/** The toast: one status line at the bottom of the page (role=status, announced). */
export class Toast {
  constructor() {
    this.box = document.createElement("div");
    this.box.className = "share-toast";
    this.box.setAttribute("role", "status");
    this.message = document.createElement("span");
    this.field = document.createElement("input");
    this.field.type = "text";
    this.field.readOnly = true;
    this.field.className = "share-toast-field";
    this.field.hidden = true;
    this.field.setAttribute("aria-label", "Text to copy");
    this.box.append(this.message, this.field);
    document.body.append(this.box);
    this.timer = 0;
  }

  /** Say ``text``; with ``manual``, also offer that text, selected, to copy by hand. */
  show(text, manual = null) {
    window.clearTimeout(this.timer);
    this.message.textContent = text;
    this.field.hidden = manual === null;
    if (manual !== null) this.field.value = manual;
    this.box.classList.add("share-toast--on");
    if (manual !== null) {
      this.field.focus();
      this.field.select();
    }
    this.timer = window.setTimeout(() => this.box.classList.remove("share-toast--on"),
      manual === null ? TOAST_MS : TOAST_MS * 4);
  }
}

function legacyCopy(text) {
  const before = document.activeElement;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "share-offscreen";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  if (before && before.focus) before.focus({ preventScroll: true });
  return ok;
}

/** Copy ``text``; the toast says ``done``, or offers the text when copying failed. */
export async function copyText(text, done, toast) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      toast.show(done);
      return true;
    }
  } catch {
    // refused (permissions, no focus): try the old way
  }
  if (legacyCopy(text)) {
    toast.show(done);
    return true;
  }
  toast.show("Couldn't copy: select the text below and copy it.", text);
  return false;
}

/** The share sheet only where it is the natural way to share: a touch device that has it. */
function webShareFits(data) {
  return typeof navigator.share === "function" && typeof navigator.canShare === "function" &&
    window.matchMedia("(pointer: coarse)").matches && navigator.canShare(data);
}

/** Share a link through the share sheet where it fits, else copy it. */
export async function shareLink(title, url, toast) {
  const data = { title, url };
  if (webShareFits(data)) {
    try {
      await navigator.share(data);
      return;
    } catch (error) {
      if (error && error.name === "AbortError") return; // the reader closed the sheet
    }
  }
  await copyText(url, "Link copied", toast);
}
