// The share dialog (the player bar's Share button): a link at the current time or to a
// stretch (the selected text's, or the paragraph playing), "Copy quote", the embed code
// (an <iframe> with the same start and end), and "Download clip" (an MP3 of the stretch,
// up to five minutes: the server's /clip.mp3 limit).
//
//   new ShareDialog(share, dialog)   — share is share.js's Share
import { copyText } from "./clipboard.js";
import { pageLanguage, parseTime, shortClock } from "./time.js";

const MAX_CLIP = 300;
const EMBED_SIZE = [640, 400]; // the size our oEmbed answer advertises

/** What copyText reports to: a status line inside the dialog (a toast would sit under the
 *  modal dialog's backdrop). */
class DialogStatus {
  constructor(dialog) {
    this.line = document.createElement("p");
    this.line.className = "share-status";
    this.line.setAttribute("role", "status");
    dialog.querySelector(".panel-close").before(this.line);
  }

  show(text) {
    this.line.textContent = text;
  }
}

function escapeAttribute(text) {
  return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

export class ShareDialog {
  constructor(share, dialog) {
    this.share = share;
    this.player = share.player;
    this.dialog = dialog;
    const $ = (selector) => dialog.querySelector(selector);
    this.fields = {
      now: $("#share-now-time"), from: $("#share-from"), to: $("#share-to"), note: $("#share-range-note"),
      link: $("#share-link"), embed: $("#share-embed"), clip: $("#share-clip"), clipNote: $("#share-clip-note"),
    };
    this.clipBase = this.fields.clip.getAttribute("href");
    this.status = new DialogStatus(dialog);
    this.picked = null;
    this.at = 0;
    this.listen();
  }

  kind() {
    const checked = this.dialog.querySelector("input[name=share-kind]:checked");
    return checked ? checked.value : "now";
  }

  setKind(kind) {
    for (const radio of this.dialog.querySelectorAll("input[name=share-kind]")) radio.checked = radio.value === kind;
  }

  /** The stretch the fields name: {start, end} (end null for a moment), or {error}. */
  chosen() {
    if (this.kind() === "now") return { start: this.at, end: null };
    const duration = this.player.duration();
    const start = parseTime(this.fields.from.value);
    const end = parseTime(this.fields.to.value);
    if (start === null || end === null) return { error: "Give times like 1:19:00 or 754." };
    if (end <= start) return { error: "The end must come after the start." };
    if (duration > 0 && start >= duration) return { error: `The episode is ${shortClock(duration)} long.` };
    return { start, end: duration > 0 ? Math.min(end, duration) : end };
  }

  embedCode(start, end) {
    const [width, height] = EMBED_SIZE;
    const t = end === null ? `${start}` : `${start},${end}`;
    const lang = pageLanguage();
    const src = `${this.share.baseUrl}/embed?t=${t}${lang ? `&lang=${encodeURIComponent(lang)}` : ""}`;
    return `<iframe src="${escapeAttribute(src)}" width="${width}" height="${height}" ` +
      `title="${escapeAttribute(this.share.title)}" loading="lazy" style="border:0" ` +
      `allow="autoplay; clipboard-write"></iframe>`;
  }

  /** Bring the link, embed code and clip in line with the fields. */
  update() {
    const { fields } = this;
    const range = this.kind() === "range";
    this.dialog.classList.toggle("share-dialog--range", range);
    const moment = this.chosen();
    fields.note.textContent = moment.error || "";
    if (moment.error) return;
    fields.link.value = moment.end === null ? this.share.linkTo(moment.start)
      : this.share.linkTo(moment.start, moment.end, moment.start);
    fields.embed.value = this.embedCode(moment.start, moment.end);
    const clipFits = moment.end !== null && moment.end - moment.start <= MAX_CLIP + 1e-9;
    fields.clip.toggleAttribute("aria-disabled", !clipFits);
    fields.clip.classList.toggle("button--off", !clipFits);
    fields.clip.href = clipFits ? `${this.clipBase}?t=${moment.start},${moment.end}` : this.clipBase;
    fields.clipNote.textContent = clipFits ? `An MP3 of ${shortClock(moment.start)}–${shortClock(moment.end)}.`
      : "To download a clip, choose a stretch of up to 5 minutes.";
  }

  /** Open at the current time, or at the selected text's stretch. */
  open() {
    const { player } = this;
    this.picked = this.share.selected();
    this.at = Math.floor(player.media.time || 0);
    this.fields.now.textContent = shortClock(this.at);
    const index = Math.max(0, player.current >= 0 ? player.current : player.indexAt(this.at));
    let start = player.starts[index] || 0;
    let end = Number(player.cues[index] ? player.cues[index].dataset.end : start + 30);
    if (this.picked) ({ start, end } = this.picked);
    this.fields.from.value = shortClock(start);
    this.fields.to.value = shortClock(Math.ceil(Math.min(end, start + MAX_CLIP)));
    this.setKind(this.picked && this.picked.end > this.picked.start ? "range" : "now");
    this.status.show("");
    this.update();
    this.dialog.showModal();
  }

  quote() {
    const picked = this.picked;
    if (picked) return copyText(picked.quote, "Quote copied", this.status);
    return copyText(this.share.quoteNowText(), "Quote copied", this.status);
  }

  listen() {
    const { dialog, fields } = this;
    dialog.addEventListener("input", () => this.update());
    dialog.addEventListener("change", () => this.update());
    for (const field of [fields.from, fields.to]) {
      field.addEventListener("focus", () => {
        this.setKind("range");
        this.update();
      });
    }
    dialog.querySelector("#share-copy").addEventListener("click", () => copyText(fields.link.value, "Link copied", this.status));
    dialog.querySelector("#share-copy-embed").addEventListener("click", () => copyText(fields.embed.value, "Embed code copied", this.status));
    dialog.querySelector("#quote-button").addEventListener("click", () => this.quote());
    fields.clip.addEventListener("click", (event) => {
      if (fields.clip.hasAttribute("aria-disabled")) event.preventDefault();
    });
    for (const field of [fields.link, fields.embed]) field.addEventListener("focus", () => field.select());
  }
}
