// Judges xAPI statements with the independent validator npm xapi-validation, without an LRS:
//   node tests/sync/validate.mjs [FILE|-]      (no FILE or "-" = stdin)
// Input: a JSON array of statements, a single statement object, or JSON lines (one statement per
// line). Prints one JSON object {count, invalid:[{index, id, warnings:[...]}]}; exit 0 when every
// statement is valid, 1 when any is invalid, 2 on unreadable input.
// Also imported by lrs_query.mjs for judge() / describeWarning().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import xapiValidation from 'xapi-validation';

// xapi-validation is CommonJS compiled from TypeScript: the ESM default import is its
// module.exports, and the validator is that object's `default` property.
const validateStatement = xapiValidation.default;

function short(value) {
  let text;
  try { text = JSON.stringify(value); } catch (e) { text = String(value); }
  if (text === undefined) text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// One readable line per warning, e.g.
// "TypeWarning at statement.verb.id: expected Internationalized Resource Identifier (IRI), got \"v\"".
export function describeWarning(w) {
  const where = Array.isArray(w.path) ? w.path.join('.') : '?';
  const name = w.name || 'Warning';
  const extras = [];
  for (const [k, v] of Object.entries(w)) {
    if (['data', 'path', 'message', 'name', 'stack', 'typeName'].includes(k)) continue;
    extras.push(`${k}=${short(v)}`);
  }
  let text = `${name} at ${where}`;
  if (w.typeName) text += `: expected ${w.typeName}, got ${short(w.data)}`;
  else if (name === 'RequiredWarning') text += ': missing';
  if (extras.length) text += ` (${extras.join(', ')})`;
  return text;
}

// The warnings for one statement as strings; an empty list means valid.
export function judge(statement) {
  let warnings;
  try {
    warnings = validateStatement(statement);
  } catch (e) {
    return [`validator threw: ${e && e.message ? e.message : e}`];
  }
  return (warnings || []).map(describeWarning);
}

// Statements from text: a JSON array, one JSON object, or JSON lines.
export function parseStatements(text) {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const parsed = JSON.parse(trimmed);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch (e) {
    const out = [];
    trimmed.split('\n').forEach((line, i) => {
      const l = line.trim();
      if (l === '') return;
      try {
        out.push(JSON.parse(l));
      } catch (err) {
        throw new Error(`line ${i + 1} is not JSON: ${err.message}`);
      }
    });
    return out;
  }
}

function main() {
  const arg = process.argv[2];
  if (arg === '-h' || arg === '--help') {
    process.stderr.write('usage: node validate.mjs [FILE|-]\n');
    process.exit(2);
  }
  let statements;
  try {
    const text = !arg || arg === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(arg, 'utf8');
    statements = parseStatements(text);
  } catch (e) {
    process.stderr.write(`validate: ${e.message}\n`);
    process.exit(2);
  }
  const invalid = [];
  statements.forEach((s, index) => {
    const warnings = judge(s);
    if (warnings.length) invalid.push({ index, id: s && typeof s === 'object' ? (s.id ?? null) : null, warnings });
  });
  process.stdout.write(`${JSON.stringify({ count: statements.length, invalid })}\n`);
  process.exit(invalid.length ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
