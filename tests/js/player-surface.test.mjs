// The Player's surface is what player.js documents at its top: other modules use only
// those fields and methods, add none of their own, and reach the audio only through
// player.media (static/js/media.js), never the <audio> element.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

const FOLDER = new URL("../../static/js/", import.meta.url);
const OWNERS = new Set(["player.js", "media.js"]);
const source = (name) => readFileSync(new URL(name, FOLDER), "utf8");
const others = () => readdirSync(FOLDER).filter((name) => name.endsWith(".js") && !OWNERS.has(name));

/** The names player.js's opening comment lists as fields and methods. */
function documented() {
  const header = source("player.js").split("\nimport ")[0];
  const surface = header.slice(header.indexOf("What other modules may use"));
  const names = [...surface.matchAll(/\bplayer\.([a-zA-Z]+)/g), ...surface.matchAll(/\b([a-zA-Z]+)(?:\(| \(getter\))/g)];
  return new Set(names.map((m) => m[1]));
}

test("other modules use only the documented fields and methods of the player", () => {
  const known = documented();
  const unknown = [];
  for (const name of others()) {
    for (const [, field] of source(name).matchAll(/\bplayer\.([a-zA-Z]+)\b(?!["'])/g)) {
      if (!known.has(field)) unknown.push(`${name}: player.${field}`);
    }
  }
  assert.deepEqual(unknown, []);
});

test("no module adds a field to the player", () => {
  const added = [];
  for (const name of others()) {
    for (const match of source(name).matchAll(/\bplayer\.([a-zA-Z]+)\s*=(?!=)/g)) added.push(`${name}: ${match[0]}`);
  }
  assert.deepEqual(added, []);
});

test("only the media adapter touches the audio element", () => {
  const reaching = [];
  for (const name of others()) {
    const text = source(name);
    if (/\.audio\b|#player\b|querySelector\("audio/.test(text)) reaching.push(name);
  }
  assert.deepEqual(reaching, []);
});
