// Entry point of the embeddable player (/episodes/<slug>/embed): the player, then sharing
// (marks as in episode.js: 'listenalong:usable', then 'listenalong:ready').
import { startPlayer } from "./player.js";
import { hasChapters, whenParsed } from "./page-ready.js";

whenParsed(async () => {
  const page = document.querySelector(".episode-page");
  if (page) {
    const player = startPlayer(page);
    performance.mark("listenalong:usable");
    const [share, chapters] = await Promise.all([import("./share.js"),
      hasChapters(page) ? import("./chapters.js") : null]);
    if (chapters) chapters.startChapters(page, player);
    share.startShare(page, player);
  }
  performance.mark("listenalong:ready");
});
