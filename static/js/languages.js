// The language switcher (templates/_player.html, language_menu): links to the episode's
// page in each of its transcripts' languages, which work without JavaScript. Here a
// switch keeps the listening going: the new page starts at the same time, playing if this
// one was (player-landing.js reads the hand-over), instead of at the beginning.
//
//   startLanguages(page, player)
import { handOver } from "./player-landing.js";

export function startLanguages(page, player) {
  const menu = page.querySelector("#languages-menu");
  if (!menu) return;
  menu.addEventListener("click", (event) => {
    const link = event.target.closest(".language-link");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab
    event.preventDefault();
    menu.open = false;
    if (link.getAttribute("aria-current") === "true") return;
    handOver(player);
    window.location.assign(link.href);
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
}
