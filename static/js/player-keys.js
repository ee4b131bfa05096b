// Keyboard shortcuts: Space play/pause, ←/→ 5 s, j/k previous/next cue, / search, ? help.

const SEEK_STEP = 5;

function isTyping(element) {
  if (!element || !element.tagName) return false;
  if (element.isContentEditable) return true;
  return element.tagName === "INPUT" || element.tagName === "TEXTAREA" || element.tagName === "SELECT";
}

/** Elements that Space activates (a link is not one: Enter follows it, Space still plays). */
function spaceActivates(element) {
  if (!element || !element.closest) return false;
  return Boolean(element.closest("button, summary, audio, video, [role=button], [role=slider], " +
    "[role=checkbox], [role=switch], [role=menuitem], [role=tab], [role=option]"));
}

export function startKeys(player) {
  const { page, audio } = player;
  const dialog = page.querySelector("dialog#shortcuts") || document.querySelector("dialog#shortcuts");
  const button = page.querySelector("#shortcuts-button");

  function openHelp() {
    if (!dialog || dialog.open) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }
  if (button) button.addEventListener("click", openHelp);

  function stepCue(delta) {
    const here = player.current;
    const next = Math.min(player.cues.length - 1, Math.max(0, (here < 0 ? -1 : here) + delta));
    if (next === here || next < 0) return;
    player.seek(player.starts[next], { play: !audio.paused });
  }

  function seekBy(delta) {
    player.seek(audio.currentTime + delta, { play: !audio.paused });
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (isTyping(target)) return;
    if (document.querySelector("dialog[open]")) return; // the dialog has the keyboard
    const key = event.key;
    if (key === "?") {
      event.preventDefault();
      openHelp();
      return;
    }
    if (key === "/") {
      const search = document.querySelector("input[name=q]");
      if (search) {
        event.preventDefault();
        search.focus();
        if (search.select) search.select();
      }
      return;
    }
    if (event.shiftKey) return;
    switch (key) {
      case " ":
      case "Spacebar":
        if (spaceActivates(target)) return;
        event.preventDefault();
        player.toggle();
        break;
      case "ArrowLeft":
      case "ArrowRight":
        if (target && target.closest && target.closest("audio, video, [role=slider]")) return;
        event.preventDefault();
        seekBy(key === "ArrowLeft" ? -SEEK_STEP : SEEK_STEP);
        break;
      case "j":
      case "J":
        event.preventDefault();
        stepCue(-1);
        break;
      case "k":
      case "K":
        event.preventDefault();
        stepCue(1);
        break;
      default:
    }
  });
}
