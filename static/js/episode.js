// Entry point of the episode page: each feature is its own module.
import { startPlayer } from "./player.js";
import { startSearch } from "./search.js";
import { startShare } from "./share.js";

const page = document.querySelector(".episode-page");
if (page) {
  const player = startPlayer(page);
  startSearch(page, player);
  startShare(page, player);
}
