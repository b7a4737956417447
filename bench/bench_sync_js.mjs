// The reference-client side of the statement-sync benchmark: sends a set of xAPI statements to an
// LRS with npm @xapi/xapi (its XAPI class), in batches, one request at a time (like the kiosk), and
// times it:
//   node bench/bench_sync_js.mjs --endpoint http://127.0.0.1:PORT/xAPI/ --auth KEY:SECRET
//        --statements FILE.json [--batch 50] [--runs 5] [--warmup 0] [--xapi-version 1.0.3]
// FILE is a JSON array of statements. The LRS accepts a re-sent id only with identical content,
// so every run (and warm-up) rewrites each `id` with a fresh lowercase crypto.randomUUID() (and
// StatementRef objects that point at ids of the set, so voiding inside the set still works).
// Prints one JSON line per run, then a summary line:
//   {client:"@xapi/xapi", statements, batch, runs, median_s, min_s, max_s, per_second_median, ...}
// Exit 0 on success, 1 when the LRS refused a request, 2 on bad arguments.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import XAPI from '@xapi/xapi';

function die(msg, code = 2) {
  process.stderr.write(`bench_sync_js: ${msg}\n`);
  process.exit(code);
}

let opts;
try {
  opts = parseArgs({
    options: {
      endpoint: { type: 'string' },
      auth: { type: 'string' },
      statements: { type: 'string' },
      batch: { type: 'string', default: '50' },
      runs: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '0' },
      'xapi-version': { type: 'string', default: '1.0.3' },
    },
  }).values;
} catch (e) {
  die(e.message);
}
if (!opts.endpoint || !opts.auth || !opts.statements) die('--endpoint, --auth and --statements are required');
const batch = Number(opts.batch);
const runs = Number(opts.runs);
const warmup = Number(opts.warmup);
if (!Number.isInteger(batch) || batch < 1) die('bad --batch');
if (!Number.isInteger(runs) || runs < 1) die('bad --runs');
if (!Number.isInteger(warmup) || warmup < 0) die('bad --warmup');
const colon = opts.auth.indexOf(':');
if (colon <= 0) die('--auth wants KEY:SECRET');

let source;
try {
  source = JSON.parse(fs.readFileSync(opts.statements, 'utf8'));
} catch (e) {
  die(`cannot read --statements: ${e.message}`);
}
if (!Array.isArray(source) || source.length === 0) die('--statements must hold a non-empty JSON array');

const endpoint = opts.endpoint.endsWith('/') ? opts.endpoint : `${opts.endpoint}/`;
const xapi = new XAPI({
  endpoint,
  auth: XAPI.toBasicAuth(opts.auth.slice(0, colon), opts.auth.slice(colon + 1)),
  version: opts['xapi-version'],
});

// A copy of the set with fresh ids; references between statements of the set follow the new ids.
function freshCopy() {
  const map = new Map();
  for (const s of source) if (s && typeof s.id === 'string') map.set(s.id.toLowerCase(), crypto.randomUUID());
  return source.map((s) => {
    const c = structuredClone(s);
    c.id = (typeof s.id === 'string' && map.get(s.id.toLowerCase())) || crypto.randomUUID();
    if (c.object && c.object.objectType === 'StatementRef' && typeof c.object.id === 'string') {
      const to = map.get(c.object.id.toLowerCase());
      if (to) c.object.id = to;
    }
    return c;
  });
}

function describeError(e) {
  const r = e && e.response;
  if (r) {
    const body = typeof r.data === 'string' ? r.data : JSON.stringify(r.data);
    return `HTTP ${r.status}: ${String(body).slice(0, 300)}`;
  }
  return e && e.message ? e.message : String(e);
}

async function oneRun() {
  const statements = freshCopy();
  const t0 = performance.now();
  let requests = 0;
  for (let i = 0; i < statements.length; i += batch) {
    const chunk = statements.slice(i, i + batch);
    let answer;
    try {
      answer = chunk.length === 1
        ? await xapi.sendStatement({ statement: chunk[0] })
        : await xapi.sendStatements({ statements: chunk });
    } catch (e) {
      die(`batch at statement ${i} refused: ${describeError(e)}`, 1);
    }
    requests += 1;
    const ids = answer && answer.data;
    if (!Array.isArray(ids) || ids.length !== chunk.length) {
      die(`batch at statement ${i}: the LRS answered ${JSON.stringify(ids).slice(0, 200)}`, 1);
    }
  }
  return { seconds: (performance.now() - t0) / 1000, requests };
}

for (let w = 0; w < warmup; w++) await oneRun();

const times = [];
for (let r = 1; r <= runs; r++) {
  const { seconds, requests } = await oneRun();
  times.push(seconds);
  process.stdout.write(`${JSON.stringify({
    client: '@xapi/xapi', run: r, statements: source.length, batch, requests,
    seconds: Number(seconds.toFixed(4)), per_second: Number((source.length / seconds).toFixed(1)),
  })}\n`);
}
const sorted = [...times].sort((a, b) => a - b);
const mid = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
process.stdout.write(`${JSON.stringify({
  client: '@xapi/xapi',
  statements: source.length,
  batch,
  runs,
  warmup,
  median_s: Number(median.toFixed(4)),
  min_s: Number(sorted[0].toFixed(4)),
  max_s: Number(sorted[sorted.length - 1].toFixed(4)),
  per_second_median: Number((source.length / median).toFixed(1)),
  sequential: true,
  fresh_ids_per_run: true,
  note: 'each run re-sends the set with every id replaced by a fresh lowercase UUID (crypto.randomUUID), because the LRS rejects a known id with different content and ignores an identical resend',
})}\n`);
