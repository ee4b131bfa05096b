// The listener's notebook on the episode page: highlights of the transcript, kept in this
// browser (notebook-store.js), the words found again whatever the transcript's timing
// became (notebook-model.js), marked in the text and on the scrubber, listed in the
// Notebook panel (play, edit the note, delete), exported as Markdown or a notebook file
// and imported back. A highlight is made from a selection ("Highlight" beside it), or of
// the last 30 s: the b key, the bar's button, the panel's, or the headphones' next-track
// press (Media Session) with the screen locked, which beeps and vibrates where it can.
import { flat, locate, makeHighlight, prepare, toFile, toImport, toMarkdown } from "./notebook-model.js";
import { all, put, remove } from "./notebook-store.js";
import { ownsKeys, shortcutsOn } from "./player-keys.js";
import { unwrap, wrapRanges } from "./text-marks.js";
import { Toast } from "./clipboard.js";
import { pageLanguage, shortClock } from "./time.js";

const LAST = 30; // seconds a "last 30 s" highlight reaches back
const MARK = "note-mark";

function captureOn() {
  return document.documentElement.dataset.capture !== "off";
}

/** Save ``text`` as a file called ``name`` (a download). */
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "2026-12-05-0712": in an export's name, so a later export never has the same name. */
function stamp() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}

/** A short beep: the capture was heard, with the screen off. */
function beep() {
  try {
    const Context = window.AudioContext || window.webkitAudioContext;
    const context = new Context();
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.08;
    tone.connect(gain).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.12);
    tone.onended = () => context.close();
  } catch {
    // no audio output to speak of: the vibration and the toast say it
  }
}

export class Notebook {
  constructor(page, player, share) {
    this.page = page;
    this.player = player;
    this.slug = page.dataset.slug;
    const title = page.querySelector(".episode-title");
    this.title = flat(title ? title.textContent : document.title);
    this.url = page.dataset.shareUrl || `${window.location.origin}${window.location.pathname}`;
    this.highlights = [];
    this.wrappers = [];
    this.dialog = document.querySelector("dialog#notebook");
    this.list = this.dialog && this.dialog.querySelector("#notebook-list");
    this.status = this.dialog && this.dialog.querySelector("#notebook-status");
    this.toast = new Toast();
    if (share && share.popover) {
      share.popover.addAction("Highlight", "share-pop-highlight", (picked) => this.fromSelection(picked));
    }
  }

  texts() {
    return this.player.cues.map((cue) => {
      const text = cue.querySelector(".cue-text");
      return text ? text.textContent : "";
    });
  }

  async load() {
    try {
      this.highlights = await all("highlights", this.slug);
    } catch (error) {
      this.say(error.message);
      this.highlights = [];
    }
    await this.settle(this.timed());
    this.show();
  }

  /** Are the word timings in (or is there none to wait for)? Times are not taken from the
   *  sentence estimate while the words are on their way. */
  timed() {
    return !this.page.dataset.wordsUrl || this.page.dataset.words === "ready";
  }

  /** Find every highlight's words in the transcript as it is now; one whose words moved
   *  (a re-alignment, a corrected transcript) takes their times and place, and is saved. */
  async settle(retime = true) {
    const transcript = prepare(this.texts().map((text, i) => ({ text, start: this.player.starts[i] })));
    const moved = [];
    for (const h of this.highlights) {
      const place = locate(h, transcript);
      h.place = place;
      if (!place || !retime) continue;
      const start = this.player.timeAt(place.cue, place.from);
      const lastChar = place.last === place.cue ? Math.max(place.from, place.to - 1) : Math.max(0, place.to - 1);
      const end = this.player.timeAt(place.last, lastChar, { end: true }) ?? h.end;
      const again = Math.abs(start - h.start) > 0.05 || Math.abs(end - h.end) > 0.05 || place.moved;
      if (again) {
        Object.assign(h, { start, end: Math.max(start, end), updated: new Date().toISOString() });
        h.anchor = { ...h.anchor, cue: place.cue, from: place.from, last: place.last, to: place.to };
        moved.push(h);
      }
    }
    if (moved.length) await this.save(...moved);
  }

  async save(...highlights) {
    try {
      await put("highlights", ...highlights.map(({ place, ...kept }) => kept));
      return true;
    } catch (error) {
      this.say(`Not saved: ${error.message || error}`);
      return false;
    }
  }

  /** A highlight of characters [from in cue ``first``, to in cue ``last``). */
  async add(first, from, last, to) {
    const { player } = this;
    const start = player.timeAt(first, from);
    const end = player.timeAt(last, Math.max(0, to - 1), { end: true }) ?? Number(player.cues[last].dataset.end);
    const h = makeHighlight({ episode: this.slug, title: this.title, texts: this.texts(), first, from, last, to,
      start, end: Math.max(start, end), lang: pageLanguage() });
    if (!h.quote) return null;
    if (!(await this.save(h))) return null;
    h.place = { cue: first, from, last, to };
    this.highlights.push(h);
    this.show();
    return h;
  }

  fromSelection(picked) {
    return this.add(picked.first, picked.words.from, picked.last, picked.words.to).then((h) => {
      if (h) this.toast.show(`Highlighted ${shortClock(h.start)}–${shortClock(h.end)}`);
    });
  }

  /** The character where the word said at ``seconds`` starts (``edge`` "start") or ends. */
  edgeAt(seconds, edge) {
    const { player } = this;
    const index = Math.max(0, player.indexAt(seconds));
    const text = player.cues[index].querySelector(".cue-text");
    const full = text ? text.textContent : "";
    const words = player.words.has(index) ? player.words.entries[index].words : null;
    if (words) {
      let k = words.findIndex((w) => w[0] / 1000 >= seconds);
      if (edge === "end") k = k < 0 ? words.length - 1 : Math.max(0, k - 1);
      else if (k < 0) k = words.length - 1;
      return [index, edge === "end" ? words[k][2] : words[k][1]];
    }
    const cue = player.cues[index];
    const start = Number(cue.dataset.start);
    const length = Math.max(0.001, Number(cue.dataset.end) - start);
    let at = Math.round(Math.min(1, Math.max(0, (seconds - start) / length)) * full.length);
    if (edge === "end") while (at < full.length && /\S/.test(full[at])) at += 1;
    else while (at > 0 && /\S/.test(full[at - 1])) at -= 1;
    return [index, at];
  }

  /** A highlight of the last 30 s up to now (at word edges). */
  async last(seconds = LAST) {
    const now = this.player.media.time;
    const [first, from] = this.edgeAt(Math.max(0, now - seconds), "start");
    const [last, to] = this.edgeAt(Math.max(0.01, now), "end");
    if (last < first || (last === first && to <= from)) return null;
    const h = await this.add(first, from, last, to);
    if (h) this.toast.show(`Highlighted the last ${seconds} s (${shortClock(h.start)}–${shortClock(h.end)})`);
    return h;
  }

  /** The headphones' press, the screen locked: the last 30 s, and a beep and a buzz. */
  async capture() {
    const h = await this.last();
    if (!h) return;
    beep();
    if (navigator.vibrate) navigator.vibrate([60, 40, 60]);
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  /** Marks in the transcript and on the scrubber, and the panel's list. */
  show() {
    unwrap(this.wrappers);
    this.wrappers = [];
    const byCue = new Map();
    for (const h of this.highlights) {
      const p = h.place;
      if (!p) continue;
      for (let i = p.cue; i <= p.last; i += 1) {
        const text = this.player.cues[i].querySelector(".cue-text");
        const length = text ? text.textContent.length : 0;
        const range = [i === p.cue ? p.from : 0, i === p.last ? p.to : length];
        if (range[1] > range[0]) byCue.set(i, [...(byCue.get(i) || []), range]);
      }
    }
    for (const [i, ranges] of byCue) {
      const text = this.player.cues[i].querySelector(".cue-text");
      ranges.sort((a, b) => a[0] - b[0]);
      const merged = [];
      for (const r of ranges) {
        const top = merged[merged.length - 1];
        if (top && r[0] <= top[1]) top[1] = Math.max(top[1], r[1]);
        else merged.push([...r]);
      }
      for (const made of wrapRanges(text, merged, "span", MARK)) this.wrappers.push(...made);
    }
    const scrubber = this.player.controls && this.player.controls.scrubber;
    if (scrubber) scrubber.marks("scrub-notes", this.sorted().map((h) => h.start));
    const count = this.page.querySelector("#notebook-count");
    if (count) count.textContent = this.highlights.length ? String(this.highlights.length) : "";
    this.renderList();
  }

  sorted() {
    return [...this.highlights].sort((a, b) => a.start - b.start);
  }

  renderList() {
    if (!this.list) return;
    const empty = this.dialog.querySelector("#notebook-empty");
    if (empty) empty.hidden = this.highlights.length > 0;
    this.list.replaceChildren(...this.sorted().map((h) => this.item(h)));
  }

  /** One highlight in the panel: its times (plays it), the quote, the note, Edit, Delete. */
  item(h) {
    const li = document.createElement("li");
    li.className = "notebook-item";
    li.dataset.id = h.id;
    const play = document.createElement("button");
    play.type = "button";
    play.className = "link-button notebook-play";
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "▶ ";
    const said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent = "Play ";
    play.append(icon, said, `${shortClock(h.start)}–${shortClock(h.end)}`);
    play.addEventListener("click", () => {
      this.dialog.close();
      this.player.playRange(h.start, h.end);
    });
    const quote = document.createElement("blockquote");
    quote.className = "notebook-quote";
    quote.textContent = h.quote;
    if (!h.place) quote.title = "These words are no longer in the transcript";
    const note = document.createElement("p");
    note.className = "notebook-note";
    note.textContent = h.note;
    note.hidden = !h.note;
    const actions = document.createElement("div");
    actions.className = "notebook-actions";
    const edit = this.action(h.note ? "Edit note" : "Add a note", () => this.editNote(h, li, note, edit));
    const del = this.action("Delete", () => this.delete(h));
    actions.append(edit, del);
    li.append(play, quote, note, actions);
    return li;
  }

  action(label, act) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--ghost button--small";
    button.textContent = label;
    button.addEventListener("click", act);
    return button;
  }

  editNote(h, li, note, edit) {
    const area = document.createElement("textarea");
    area.className = "notebook-edit";
    area.rows = 3;
    area.value = h.note;
    area.setAttribute("aria-label", `Note on “${h.quote.slice(0, 40)}”`);
    const done = this.action("Save note", async () => {
      h.note = area.value.trim();
      h.updated = new Date().toISOString();
      if (await this.save(h)) this.say("Note saved.");
      this.renderList();
      const again = this.list.querySelector(`[data-id="${CSS.escape(h.id)}"] .notebook-actions button`);
      if (again) again.focus();
    });
    note.hidden = true;
    edit.replaceWith(done);
    li.insertBefore(area, done.parentElement);
    area.focus();
  }

  async delete(h) {
    try {
      await remove("highlights", h.id);
    } catch (error) {
      this.say(`Not deleted: ${error.message || error}`);
      return;
    }
    this.highlights = this.highlights.filter((x) => x.id !== h.id);
    this.show();
    this.say("Highlight deleted.");
  }

  exportMarkdown() {
    const text = toMarkdown({ title: this.title, url: this.url, clipUrl: `${this.url}/clip.mp3` }, this.highlights);
    download(`${this.slug}-notebook-${stamp()}.md`, text, "text/markdown");
    this.say("Exported this episode's highlights as Markdown.");
  }

  async exportAll() {
    const every = await all("highlights");
    download(`listenalong-notebook-${stamp()}.json`, toFile(every.map(({ place, ...kept }) => kept)), "application/json");
    this.say(`Exported the notebook: ${every.length} highlight${every.length === 1 ? "" : "s"}.`);
  }

  async importFile(file) {
    try {
      const { added, skipped, unreadable } = toImport(await file.text(), await all("highlights"));
      if (added.length) await put("highlights", ...added);
      this.say(`Imported ${added.length} highlight${added.length === 1 ? "" : "s"}` +
        (skipped ? `; ${skipped} already in the notebook` : "") +
        (unreadable ? `; ${unreadable} could not be read (not highlights)` : "") + ".");
      await this.load();
    } catch (error) {
      this.say(error.message || String(error));
    }
  }

  wire() {
    const open = this.page.querySelector("#notebook-button");
    const quick = this.page.querySelector("#highlight-button");
    for (const button of [open, quick]) if (button) button.hidden = false;
    if (open && this.dialog) open.addEventListener("click", () => this.dialog.showModal());
    if (quick) quick.addEventListener("click", () => this.last());
    if (this.dialog) {
      const on = (id, event, act) => {
        const element = this.dialog.querySelector(id);
        if (element) element.addEventListener(event, act);
      };
      on("#notebook-last", "click", () => this.last());
      on("#notebook-markdown", "click", () => this.exportMarkdown());
      on("#notebook-json", "click", () => this.exportAll());
      on("#notebook-import", "change", (event) => {
        const [file] = event.target.files;
        if (file) this.importFile(file);
        event.target.value = "";
      });
    }
    document.addEventListener("keydown", (event) => {
      if (event.key !== "b" || event.ctrlKey || event.altKey || event.metaKey || !shortcutsOn()) return;
      if (ownsKeys(event.target) || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      this.last();
    });
    this.page.dataset.notebook = "ready";
  }
}

/** The headphones' next-track press saves a highlight (the capture setting on); off, it
 *  steps to the next paragraph as before. */
function wireCapture(notebook, player) {
  const session = navigator.mediaSession;
  if (!session) return;
  try {
    session.setActionHandler("nexttrack", () => {
      if (captureOn()) notebook.capture();
      else player.stepCue(1);
    });
  } catch {
    // no such action here
  }
}

export function startNotebook(page, player, share) {
  const notebook = new Notebook(page, player, share);
  notebook.wire();
  wireCapture(notebook, player);
  notebook.load();
  // Word timings arriving later move highlights to their words' times.
  if (page.dataset.wordsUrl && page.dataset.words !== "ready") {
    const wait = new MutationObserver(() => {
      if (page.dataset.words !== "ready") return;
      wait.disconnect();
      notebook.settle().then(() => notebook.show());
    });
    wait.observe(page, { attributes: true, attributeFilter: ["data-words"] });
  }
  return notebook;
}

