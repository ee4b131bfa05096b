// Entry point of the episode page: each feature is its own module.
import { startPlayer } from "./player.js";

const page = document.querySelector(".episode-page");
if (page) {
  startPlayer(page);
}
