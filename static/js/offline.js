// "Save for offline" on an episode page: its page, audio, transcript, words and chapters go
// into the browser's Cache Storage (with the site's static files), the size said first
// and a progress bar while the audio comes; then the service worker (/sw.js) answers
// from there when the network is gone. The saved episodes are listed in IndexedDB
// (notebook-store.js, store "saved") for the Saved page (saved.js).
import { all, put, remove } from "./notebook-store.js";

export const STATIC = "listenalong-static-v1";
export const EPISODES = "listenalong-episodes-v1";

export function registerWorker() {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  return navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
}

export function megabytes(bytes) {
  const mb = bytes / 1e6;
  return mb >= 10 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

/** Forget a saved episode: its files and its entry. */
export async function forget(record) {
  const cache = await caches.open(EPISODES);
  await Promise.all((record.files || []).map((url) => cache.delete(url)));
  await remove("saved", record.slug);
}

/** The episode's own files: its page (in each of its transcripts' languages), audio,
 *  transcript, words, chapters. */
function episodeFiles(page, media) {
  const chapters = document.querySelector("a[href$='/chapters.json']");
  const here = window.location.pathname + (page.dataset.lang ? `?lang=${encodeURIComponent(page.dataset.lang)}` : "");
  const languages = Array.from(page.querySelectorAll(".language-link"), (link) => link.getAttribute("href"));
  return {
    sound: media.source,
    small: [...new Set([here, ...languages, ...media.trackSources, page.dataset.wordsUrl,
      chapters && chapters.getAttribute("href")].filter(Boolean))],
  };
}

async function fetchInto(cache, url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url} could not be fetched (${response.status})`);
  await cache.put(url, response.clone());
  const length = Number(response.headers.get("Content-Length"));
  return length || (await response.blob()).size;
}

/** The audio, read with a progress report (``onBytes(done, total)``), then cached whole. */
async function fetchAudio(cache, url, onBytes) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok || !response.body) throw new Error(`the audio could not be fetched (${response.status})`);
  const total = Number(response.headers.get("Content-Length")) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let done = 0;
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    chunks.push(value);
    done += value.length;
    onBytes(done, total);
  }
  const type = response.headers.get("Content-Type") || "audio/mpeg";
  const blob = new Blob(chunks, { type });
  await cache.put(url, new Response(blob, { headers: { "Content-Type": type, "Content-Length": String(blob.size) } }));
  return blob.size;
}

class SaveForOffline {
  constructor(page, media, box) {
    this.page = page;
    this.box = box;
    this.slug = page.dataset.slug;
    this.state = box.querySelector("#offline-state");
    this.save = box.querySelector("#offline-save");
    this.drop = box.querySelector("#offline-remove");
    this.progress = box.querySelector("#offline-progress");
    this.files = episodeFiles(page, media);
    this.save.addEventListener("click", () => this.run());
    this.drop.addEventListener("click", () => this.unsave());
  }

  async show() {
    const records = await all("saved").catch(() => []);
    this.record = records.find((r) => r.slug === this.slug) || null;
    this.save.hidden = Boolean(this.record);
    this.drop.hidden = !this.record;
    if (this.record) {
      this.state.textContent = `Saved on this device (${megabytes(this.record.bytes)}): it plays without a network.`;
      return;
    }
    let size = 0;
    try {
      const head = await fetch(this.files.sound, { method: "HEAD" });
      size = Number(head.headers.get("Content-Length")) || 0;
    } catch {
      size = 0;
    }
    this.state.textContent = size ? `Saving takes about ${megabytes(size)} on this device.`
      : "Save this episode to play it without a network.";
  }

  async run() {
    this.save.disabled = true;
    this.progress.hidden = false;
    this.progress.value = 0;
    this.state.textContent = "Saving…";
    try {
      await registerWorker();
      const shell = await caches.open(STATIC);
      const list = await (await fetch("/offline/static.json")).json();
      await Promise.all(list.files.map((url) => fetchInto(shell, url).catch(() => 0)));
      const cache = await caches.open(EPISODES);
      let bytes = 0;
      for (const url of this.files.small) bytes += await fetchInto(cache, url);
      bytes += await fetchAudio(cache, this.files.sound, (done, total) => {
        if (total) {
          this.progress.max = total;
          this.progress.value = done;
          this.state.textContent = `Saving… ${megabytes(done)} of ${megabytes(total)}`;
        }
      });
      const title = this.page.querySelector(".episode-title");
      await put("saved", {
        slug: this.slug, title: title ? title.textContent.trim() : this.slug, page: window.location.pathname,
        bytes, saved: new Date().toISOString(), files: [...this.files.small, this.files.sound],
      });
    } catch (error) {
      this.state.textContent = `Not saved: ${error.message || error}. Try again when the connection is back.`;
      this.save.disabled = false;
      this.progress.hidden = true;
      return;
    }
    this.progress.hidden = true;
    this.save.disabled = false;
    await this.show();
    this.page.dataset.offline = "saved";
  }

  async unsave() {
    if (this.record) await forget(this.record);
    delete this.page.dataset.offline;
    await this.show();
    this.save.focus();
  }
}

export function startOffline(page, player) {
  const box = document.querySelector("#offline");
  if (!box || !("caches" in window) || !("serviceWorker" in navigator)) return null;
  registerWorker();
  box.hidden = false;
  const saver = new SaveForOffline(page, player.media, box);
  saver.show().then(() => {
    if (saver.record) page.dataset.offline = "saved";
  });
  return saver;
}
