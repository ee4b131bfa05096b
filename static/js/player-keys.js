// Keyboard shortcuts, as on YouTube and in most players:
//   k or Space  play / pause        j / l   back / forward 10 s     ← / →  5 s
//   [ / ]       previous / next paragraph      { / }  previous / next chapter (chapters.js)
//   < / >       slower / faster                m      mute
//   s           skip what the transcript does not hold (an inserted ad, music), while it plays
//   /           find in this episode            ?      these shortcuts
// They never act while a button, a menu, a field or the scrubber has the focus (those keep
// their own keys), nor with Ctrl/Alt/Cmd held; the preferences can turn them all off
// (WCAG 2.1.4: <html data-shortcuts="off">).

const SEEK_STEP = 5;
const JUMP_STEP = 10;

/** Controls that own the keys pressed on them. A link is not one: Enter follows it, the
 *  shortcuts still work (the transcript's time links are links). */
const OWNS_KEYS = "button, select, input, textarea, summary, audio, video, [contenteditable], " +
  "[role=button], [role=slider], [role=checkbox], [role=switch], [role=menuitem], [role=tab], " +
  "[role=option], [role=listbox], [role=combobox], [role=textbox]";

export function ownsKeys(element) {
  if (!element || !element.closest) return false;
  return element.isContentEditable || Boolean(element.closest(OWNS_KEYS));
}

export function shortcutsOn() {
  return document.documentElement.dataset.shortcuts !== "off";
}

/** The key's action: a function of the player, or null. */
function actionFor(key, player, helpers) {
  switch (key) {
    case "k": case "K": case " ": case "Spacebar": return () => player.toggle();
    case "j": case "J": return () => player.seekBy(-JUMP_STEP);
    case "l": case "L": return () => player.seekBy(JUMP_STEP);
    case "ArrowLeft": return () => player.seekBy(-SEEK_STEP);
    case "ArrowRight": return () => player.seekBy(SEEK_STEP);
    case "[": return () => player.stepCue(-1);
    case "]": return () => player.stepCue(1);
    case "{": return () => helpers.chapter(-1);
    case "}": return () => helpers.chapter(1);
    case "<": return () => helpers.speed(-1);
    case ">": return () => helpers.speed(1);
    case "m": case "M": return () => player.media.toggleMute();
    case "s": case "S": return () => player.skipGap();
    case "/": return helpers.find;
    case "?": return helpers.help;
    default: return null;
  }
}

/** One step slower or faster through the speed menu's choices. */
function changeSpeed(player, direction) {
  const select = player.page.querySelector("#speed");
  if (!select) return;
  const rates = Array.from(select.options, (o) => Number(o.value));
  const now = player.media.rate;
  let index = rates.findIndex((rate) => rate >= now - 1e-9);
  if (index < 0) index = rates.length - 1;
  if (direction < 0 && rates[index] >= now - 1e-9) index -= 1;
  else if (direction > 0 && rates[index] <= now + 1e-9) index += 1;
  const rate = rates[Math.min(rates.length - 1, Math.max(0, index))];
  player.media.rate = rate;
}

export function startKeys(player) {
  const { page } = player;
  const dialog = page.querySelector("dialog#shortcuts") || document.querySelector("dialog#shortcuts");
  const button = page.querySelector("#shortcuts-button");
  const helpers = {
    speed: (direction) => changeSpeed(player, direction),
    // false: the episode has no chapters (chapters.js gives them: player.setChapters)
    chapter: (direction) => (player.chapters ? player.chapters.step(direction) : false),
    help() {
      if (dialog && !dialog.open) dialog.showModal();
    },
    find() {
      const search = page.querySelector("form.find input[name=q]");
      if (!search) return false;
      search.focus();
      search.select();
      return true;
    },
  };
  if (button) {
    button.hidden = false;
    button.addEventListener("click", helpers.help);
  }
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (!shortcutsOn() || ownsKeys(event.target) || document.querySelector("dialog[open]")) return;
    const action = actionFor(event.key, player, helpers);
    if (!action) return;
    if (action() === false) return; // nothing to do here (no find box in the embed)
    event.preventDefault();
  });
}
