// Listenalong's service worker (served as /sw.js, scope /). Online, every request goes to
// the network as it would without it; when the network fails, what was saved for offline
// answers (static/js/offline.js fills the caches):
//   listenalong-static-v1    the page's scripts, stylesheet and icons
//   listenalong-episodes-v1  each saved episode's page, words, transcript, chapters, audio
// A saved episode's audio is always played from the cache, and a Range request gets its
// 206 answer from the cached file (seeking works offline, and Safari needs ranges).

const STATIC = "listenalong-static-v1";
const EPISODES = "listenalong-episodes-v1";
const AUDIO = /^\/episodes\/[^/]+\/audio$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  // Caches of an older version of this worker go; what is saved now stays.
  for (const name of await caches.keys()) {
    if (name.startsWith("listenalong-") && name !== STATIC && name !== EPISODES) await caches.delete(name);
  }
  await self.clients.claim();
})()));

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (AUDIO.test(url.pathname)) event.respondWith(audio(request, url));
  else event.respondWith(networkFirst(request, url));
});

/** The saved copy of ``request``: the same address; else, for a page at a moment
 *  (?t=…), the page itself in the language asked for (?lang=), or in any. */
async function cached(request, url) {
  const lang = url.searchParams.get("lang");
  return (await caches.match(request)) ||
    (lang ? await caches.match(`${url.pathname}?lang=${encodeURIComponent(lang)}`) : undefined) ||
    (await caches.match(url.pathname)) ||
    (await caches.match(url.pathname, { ignoreSearch: true })) ||
    (request.mode === "navigate" ? caches.match(url.pathname + url.search) : undefined);
}

async function networkFirst(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const found = await cached(request, url);
    if (found) return found;
    if (request.mode === "navigate") {
      return new Response("<!doctype html><title>Offline</title><p>You are offline, and this page was not saved. " +
        "<a href=\"/saved\">Saved episodes</a> play without a network.</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    throw error;
  }
}

/** The saved audio, whole or the range asked for; the network's when not saved. */
async function audio(request, url) {
  const saved = await caches.match(url.pathname, { ignoreSearch: true, cacheName: EPISODES });
  if (!saved) return fetch(request);
  const blob = await saved.blob();
  const size = blob.size;
  const type = saved.headers.get("Content-Type") || "audio/mpeg";
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("Range") || "");
  if (!range || (!range[1] && !range[2])) {
    return new Response(blob, { status: 200, headers: { "Content-Type": type, "Content-Length": String(size), "Accept-Ranges": "bytes" } });
  }
  let start;
  let end;
  if (range[1]) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  } else { // the last N bytes
    start = Math.max(0, size - Number(range[2]));
    end = size - 1;
  }
  if (start >= size || end < start) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": type, "Content-Length": String(end - start + 1),
      "Content-Range": `bytes ${start}-${end}/${size}`, "Accept-Ranges": "bytes",
    },
  });
}
