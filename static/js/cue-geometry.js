// Where the cues are on screen, found by binary search over their boxes (cues are in
// document order, top to bottom): a few layout reads, never a scan of thousands.

/** The first index in [lo, hi] whose box passes ``test`` (boxes pass from some index on);
 *  ``fallback`` if none. */
function firstWhere(cueEls, test, lo, hi, fallback) {
  let found = fallback;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (test(cueEls[mid].getBoundingClientRect())) {
      found = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  return found;
}

/** Index of the first cue whose bottom is below ``top`` (px from the viewport's top). */
export function firstBelow(cueEls, top) {
  if (!cueEls.length) return -1;
  return firstWhere(cueEls, (box) => box.bottom > top, 0, cueEls.length - 1, cueEls.length - 1);
}

/** [first, last] indices of the cues on screen now, ``spare`` more either side. */
export function visibleRange(cueEls, spare = 3) {
  const count = cueEls.length;
  if (!count) return [0, -1];
  const height = window.innerHeight || document.documentElement.clientHeight;
  const first = firstWhere(cueEls, (box) => box.bottom >= 0, 0, count - 1, count - 1);
  const afterLast = firstWhere(cueEls, (box) => box.top > height, first, count - 1, count);
  return [Math.max(0, first - spare), Math.min(count - 1, Math.max(first, afterLast - 1) + spare)];
}
