// Validate WebVTT read from stdin with the W3C validator (npm package `webvtt-parser`).
//
//   node tests/vtt_validate.mjs < episode.vtt
//
// Prints one line of JSON: {"errors": [{"message", "line", "col"}, ...], "cues": N}.
// Exits 0 when the file was parsed (whatever its errors), 3 when the package is missing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let WebVTTParser;
try {
  ({ WebVTTParser } = require('webvtt-parser'));
} catch (error) {
  process.stderr.write(`webvtt-parser is not installed (run 'npm ci'): ${error.message}\n`);
  process.exit(3);
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString('utf8');

const tree = new WebVTTParser().parse(text, 'subtitles');
process.stdout.write(JSON.stringify({
  errors: tree.errors.map(({ message, line, col }) => ({ message, line, col })),
  cues: tree.cues.length,
}) + '\n');
