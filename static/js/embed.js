// Entry point of the embeddable player (/episodes/<slug>/embed): the player and sharing.
import { startPlayer } from "./player.js";
import { startShare } from "./share.js";
import { whenParsed } from "./page-ready.js";

whenParsed(() => {
  const page = document.querySelector(".episode-page");
  if (page) {
    const player = startPlayer(page);
    startShare(page, player);
  }
  performance.mark("listenalong:ready");
});
