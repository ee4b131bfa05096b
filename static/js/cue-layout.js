// Which groups of cues the browser lays out. While the page loads, groups far from the
// screen are skipped (content-visibility: auto in site.css) and sized by an estimate: a
// long transcript then parses and paints several times sooner. An estimate is no place
// to scroll to, so
//  - show(index) lays out the group of cue ``index`` and its neighbours at once, before
//    any scroll there (the screen then holds only groups of their real height);
//  - after the page is usable, every other group is laid out in idle time, a group per
//    slice, from the screen outwards (scroll anchoring keeps the view still), so that in
//    the end no height on the page is an estimate; the page marks 'listenalong:laidout'.

const SHOWN = "cue-group--shown";
const SPREAD = 1; // groups shown either side of a target's

function idle(fn) {
  if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 200 });
  else setTimeout(fn, 16);
}

export class CueLayout {
  constructor(list) {
    this.groups = list ? Array.from(list.children).filter((g) => g.classList.contains("cue-group")) : [];
    this.done = this.groups.length === 0;
  }

  groupOf(cue) {
    const group = cue && cue.parentElement;
    return group && group.classList.contains("cue-group") ? group : null;
  }

  /** Lay out the group holding ``cue`` and those either side of it, now. */
  show(cue) {
    const group = this.groupOf(cue);
    if (!group) return;
    const at = this.groups.indexOf(group);
    for (let i = Math.max(0, at - SPREAD); i <= Math.min(this.groups.length - 1, at + SPREAD); i += 1) {
      this.groups[i].classList.add(SHOWN);
    }
  }

  /** The groups still skipped, the ones after ``from`` first, then those before it
   *  (nearest first both ways), so what changes height is off screen. */
  order(from) {
    const after = this.groups.slice(from + 1);
    const before = this.groups.slice(0, Math.max(0, from)).reverse();
    const mine = this.groups[from] ? [this.groups[from]] : [];
    return [...mine, ...after, ...before].filter((g) => !g.classList.contains(SHOWN));
  }

  /** Lay out the rest, a group per idle slice, starting near cue ``index``. */
  finish(index, cues) {
    const group = this.groupOf(cues[Math.max(0, index)]);
    const queue = this.order(group ? this.groups.indexOf(group) : 0);
    // One group per slice: its layout happens in the next frame, so several at once would
    // make one long frame of them.
    const step = () => {
      const next = queue.shift();
      if (next) next.classList.add(SHOWN);
      if (queue.length) {
        idle(step);
      } else {
        this.done = true;
        performance.mark("listenalong:laidout");
      }
    };
    if (queue.length) idle(step);
    else {
      this.done = true;
      performance.mark("listenalong:laidout");
    }
  }
}
