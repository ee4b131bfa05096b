// Entry point of the episode page: each feature is its own module. The script is async,
// so it may run before the transcript has finished parsing: start once the DOM is whole.
//
// The player comes first (the transcript clickable, the controls live: mark
// 'listenalong:usable'); find, sharing and the preferences are fetched after it, so they
// never delay it (mark 'listenalong:ready' once everything is wired). Both marks are read
// by bench/bench_page_load.py and the browser tests.
import { startPlayer } from "./player.js";
import { hasChapters, whenParsed } from "./page-ready.js";

whenParsed(async () => {
  const page = document.querySelector(".episode-page");
  if (page) {
    const player = startPlayer(page);
    performance.mark("listenalong:usable");
    const [find, share, prefs, chapters, notebook, offline, languages] = await Promise.all([
      import("./find.js"), import("./share.js"), import("./prefs.js"),
      hasChapters(page) ? import("./chapters.js") : null, import("./notebook.js"),
      import("./offline.js"), page.querySelector("#languages-menu") ? import("./languages.js") : null]);
    if (chapters) chapters.startChapters(page, player);
    if (languages) languages.startLanguages(page, player);
    find.startFind(page, player);
    const sharing = share.startShare(page, player);
    prefs.startPrefs(page, player);
    notebook.startNotebook(page, player, sharing);
    offline.startOffline(page, player);
  }
  performance.mark("listenalong:ready");
});
