// The front end stays made of small pieces: no function or method in static/js longer
// than 80 lines (the Python side has the same check at 40: tests/test_architecture.py).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

import { parse } from "acorn";

const LIMIT = 80;
const FOLDER = new URL("../../static/js/", import.meta.url);
const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** Every function in ``node``'s tree: [name, first line, lines]. */
function functions(node, found = [], name = "(anonymous)") {
  if (!node || typeof node.type !== "string") return found;
  if (FUNCTIONS.has(node.type)) {
    found.push([node.id ? node.id.name : name, node.loc.start.line, node.loc.end.line - node.loc.start.line + 1]);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc") continue;
    const label = node.type === "MethodDefinition" || node.type === "Property" ? node.key.name || name
      : node.type === "VariableDeclarator" && node.id.name ? node.id.name : name;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object") functions(child, found, label);
    }
  }
  return found;
}

function longFunctions(source, file) {
  const tree = parse(source, { ecmaVersion: "latest", sourceType: "module", locations: true });
  return functions(tree).filter(([, , lines]) => lines > LIMIT)
    .map(([name, line, lines]) => `${file}:${line} ${name} (${lines} lines)`);
}

test("the check finds long functions, methods and arrows", () => {
  const body = "  x += 1;\n".repeat(LIMIT);
  const source = `function f() {\n${body}}\nclass C { m() {\n${body}} }\nconst g = () => {\n${body}};\n` +
    `function short() { return 1; }\n`;
  assert.deepEqual(longFunctions(source, "t.js"),
    ["t.js:1 f (82 lines)", `t.js:${LIMIT + 3} m (82 lines)`, `t.js:${2 * LIMIT + 5} g (82 lines)`]);
});

test(`no function in static/js is longer than ${LIMIT} lines`, () => {
  const files = readdirSync(FOLDER).filter((name) => name.endsWith(".js"));
  assert.ok(files.length > 5);
  const long = files.flatMap((file) => longFunctions(readFileSync(new URL(file, FOLDER), "utf8"), file));
  assert.deepEqual(long, []);
});
