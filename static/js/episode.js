// Entry point of the episode page: each feature is its own module. The script is async,
// so it may run before the transcript has finished parsing: start once the DOM is whole.
import { startPlayer } from "./player.js";
import { startFind } from "./find.js";
import { startShare } from "./share.js";
import { startPrefs } from "./prefs.js";
import { whenParsed } from "./page-ready.js";

whenParsed(() => {
  const page = document.querySelector(".episode-page");
  if (page) {
    const player = startPlayer(page);
    startFind(page, player);
    startShare(page, player);
    startPrefs(page, player);
  }
  performance.mark("listenalong:ready"); // read by bench/bench_page_load.py
});
