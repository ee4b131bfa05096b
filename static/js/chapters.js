// An episode's chapters: the server renders them as headings in the transcript (before the
// cue each starts in) and, on the episode page, as a menu of links in the player bar; both
// work without JavaScript (they open the page at the chapter). Here they
//  - seek and play from the chapter (a click on a heading's or the menu's link),
//  - name the chapter playing in the menu's summary (aria-current in the list),
//  - mark the sections on the scrubber, whose time tip names the chapter under the pointer,
//  - step through them with { and } (player-keys.js calls step()).
//
//   startChapters(page, player)
import { lastAtOrBefore } from "./time.js";

class Chapters {
  constructor(page, player) {
    this.page = page;
    this.player = player;
    const headings = Array.from(page.querySelectorAll("#cues .chapter-heading .chapter-link"));
    this.starts = headings.map((link) => Number(link.dataset.start) || 0);
    this.titles = headings.map((link) => link.lastChild.textContent.trim());
    this.menu = page.querySelector("#chapters-menu");
    this.now = page.querySelector("#chapters-now");
    this.items = this.menu ? Array.from(this.menu.querySelectorAll(".chapter-link")) : [];
    this.current = -2;
  }

  /** The chapter playing at ``seconds`` (-1: before the first). */
  indexAt(seconds) {
    return lastAtOrBefore(this.starts, seconds + 0.0005);
  }

  show(seconds) {
    const index = this.indexAt(seconds);
    if (index === this.current) return;
    if (this.items[this.current]) this.items[this.current].removeAttribute("aria-current");
    this.current = index;
    if (this.items[index]) this.items[index].setAttribute("aria-current", "true");
    if (this.now) this.now.textContent = index >= 0 ? this.titles[index] : "Chapters";
  }

  /** To the next (+1) chapter, or back (-1): to the start of this one when more than three
   *  seconds of it have played (as a previous-track button does), else to the one before. */
  step(direction) {
    const { media } = this.player;
    const here = this.indexAt(media.time);
    let target = here + direction;
    if (direction < 0 && here >= 0 && media.time - this.starts[here] > 3) target = here;
    if (target < 0 || target >= this.starts.length) return false;
    this.player.seek(this.starts[target], { play: !media.paused });
    return true;
  }

  onClick(event) {
    const link = event.target.closest(".chapter-link");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab
    event.preventDefault();
    if (this.menu) this.menu.open = false;
    this.player.seek(Number(link.dataset.start) || 0);
  }

  listen() {
    const { media } = this.player;
    this.page.addEventListener("click", (event) => this.onClick(event));
    for (const name of ["timeupdate", "seeked", "seeking"]) {
      media.on(name, () => this.show(media.time));
    }
    this.page.addEventListener("listenalong:cuechange", () => this.show(media.time));
    if (!this.menu) return;
    this.menu.addEventListener("toggle", () => {
      const item = this.items[this.current];
      if (this.menu.open && item) item.scrollIntoView({ block: "nearest" });
    });
    this.menu.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.menu.open) return;
      event.stopPropagation();
      this.menu.open = false;
      this.menu.querySelector("summary").focus();
    });
    document.addEventListener("pointerdown", (event) => {
      if (this.menu.open && !this.menu.contains(event.target)) this.menu.open = false;
    });
  }
}

export function startChapters(page, player) {
  const chapters = new Chapters(page, player);
  if (chapters.starts.length === 0) return null;
  chapters.listen();
  player.setChapters(chapters); // the { and } keys (player-keys.js)
  const { scrubber } = player.controls || {};
  if (scrubber) {
    scrubber.marks("scrub-chapters", chapters.starts.filter((s) => s > 0));
    scrubber.sectionAt = (seconds) => chapters.titles[chapters.indexAt(seconds)] || "";
  }
  chapters.show(player.media.time);
  return chapters;
}
