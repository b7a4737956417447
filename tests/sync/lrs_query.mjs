// Reads statements back from an LRS and summarises them, for sync tests that check what arrived:
//   node tests/sync/lrs_query.mjs --endpoint http://127.0.0.1:PORT/xAPI/ --auth KEY:SECRET
//        [--agent-account HOMEPAGE,NAME] [--verb IRI] [--activity IRI] [--since ISO]
//        [--ids-file F] [--page-size 500] [--paging until|more] [--xapi-version 1.0.3]
//        [--compare SENT]
// Prints one JSON object:
//   {count, ids:[...], duplicates:[...], verbs:{iri:count}, invalid:[{id, warnings}],
//    missing:[...] (only with --ids-file), differs:[...] (only with --compare), pages,
//    consistent_through}
// count/ids cover every stored statement matching the filters (voided ones are not returned by an
// LRS); duplicates are ids (compared lowercase) stored more than once; invalid is judged with
// npm xapi-validation. --ids-file holds a JSON array of ids or of statements, or one id per line.
// `missing` is decided id by id (GET ?statementId= for each), not from the pages: a statement the
// paging skipped is not missing, and one the LRS lost is never counted as found.
// --compare SENT: what was sent (fault_stub.mjs --bodies lines {seq, body}, a JSON array of
// statements, or one statement per line). Each statement's first sending is compared with the
// LRS's copy (GET ?statementId=) with the properties the LRS adds left out (stored, authority,
// version): both are written canonically (keys sorted) and must be the same bytes, so a character
// the LRS decoded wrongly shows. differs: [{id, path, sent, stored}] (values clipped).
// Exit 0 when the query itself worked (the caller decides what counts as a failure), 2 on errors.
//
// Paging. The spec says: follow `more`. xapi-statements 5.0.1 builds `more` links without URL
// encoding (an `agent` filter becomes "agent=[object Object]" -> 400; IRIs are pasted raw), and its
// cursor compares time-based (v1) UUID strings, whose first field wraps every ~7 minutes, so even a
// well-formed `more` can skip statements. So by default (--paging until) this script pages by
// `stored` itself: each page asks for `until=<oldest stored seen on the previous page>` (inclusive),
// newest first, and drops statements already seen (byte-identical). A page that brings nothing new
// (more than page-size statements share one `stored` instant, e.g. one big batch) doubles the page
// size. The presence of `more` is only used as "there is more". --paging more follows the server's
// links verbatim, for checking a conformant LRS or for showing the bug.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { judge } from './validate.mjs';

function fail(msg) {
  process.stderr.write(`lrs_query: ${msg}\n`);
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      endpoint: { type: 'string' },
      auth: { type: 'string' },
      'agent-account': { type: 'string' },
      verb: { type: 'string' },
      activity: { type: 'string' },
      since: { type: 'string' },
      'ids-file': { type: 'string' },
      compare: { type: 'string' },
      'page-size': { type: 'string', default: '500' },
      paging: { type: 'string', default: 'until' },
      'xapi-version': { type: 'string', default: '1.0.3' },
      'timeout-ms': { type: 'string', default: '30000' },
    },
  }).values;
} catch (e) {
  fail(e.message);
}
if (!opts.endpoint) fail('--endpoint is required');
if (!['until', 'more'].includes(opts.paging)) fail('--paging is until or more');
let endpoint;
try {
  endpoint = new URL(opts.endpoint.endsWith('/') ? opts.endpoint : `${opts.endpoint}/`);
} catch (e) {
  fail(`bad --endpoint: ${e.message}`);
}
let pageSize = Number(opts['page-size']);
if (!Number.isInteger(pageSize) || pageSize < 1) fail('bad --page-size');
const timeoutMs = Number(opts['timeout-ms']);

const headers = {
  'X-Experience-API-Version': opts['xapi-version'],
  Accept: 'application/json',
};
if (opts.auth) {
  if (!opts.auth.includes(':')) fail('--auth wants KEY:SECRET');
  headers.Authorization = `Basic ${Buffer.from(opts.auth, 'utf8').toString('base64')}`;
}

const filters = new URLSearchParams();
if (opts['agent-account']) {
  const i = opts['agent-account'].lastIndexOf(',');
  if (i <= 0) fail('--agent-account wants HOMEPAGE,NAME');
  filters.set('agent', JSON.stringify({
    objectType: 'Agent',
    account: { homePage: opts['agent-account'].slice(0, i), name: opts['agent-account'].slice(i + 1) },
  }));
}
if (opts.verb) filters.set('verb', opts.verb);
if (opts.activity) filters.set('activity', opts.activity);
if (opts.since) filters.set('since', opts.since);

let expected = null;
if (opts['ids-file']) {
  let text;
  try { text = fs.readFileSync(opts['ids-file'], 'utf8'); } catch (e) { fail(`cannot read --ids-file: ${e.message}`); }
  try {
    const parsed = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    expected = list.map((x) => (x && typeof x === 'object' ? x.id : x)).filter((x) => typeof x === 'string');
  } catch (e) {
    expected = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  }
}

let consistentThrough = null;
async function getJson(url) {
  let res;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    fail(`GET ${url.pathname}${url.search}: ${e.cause ? e.cause.message || e.cause.code : e.message}`);
  }
  const body = await res.text();
  if (res.status !== 200) fail(`GET ${url.pathname}${url.search} answered ${res.status}: ${body.slice(0, 300)}`);
  const ct = res.headers.get('x-experience-api-consistent-through');
  if (ct) consistentThrough = ct;
  try {
    return JSON.parse(body);
  } catch (e) {
    fail(`GET ${url.pathname}${url.search}: the answer is not JSON`);
  }
  return null;
}

function statementsUrl(extra) {
  const url = new URL('statements', endpoint);
  const q = new URLSearchParams(filters);
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  url.search = q.toString();
  return url;
}

const records = [];
let pages = 0;

async function pageByUntil() {
  const seen = new Set();
  let until = null;
  for (;;) {
    const extra = { limit: pageSize };
    if (until !== null) extra.until = until;
    const result = await getJson(statementsUrl(extra));
    pages += 1;
    const list = Array.isArray(result && result.statements) ? result.statements : [];
    let fresh = 0;
    let oldest = null;
    for (const s of list) {
      const key = JSON.stringify(s);
      if (typeof s.stored === 'string' && (oldest === null || s.stored < oldest)) oldest = s.stored;
      if (seen.has(key)) continue;
      seen.add(key);
      records.push(s);
      fresh += 1;
    }
    if (!result.more) return;
    if (oldest === null) fail('a page with `more` but no statement carries `stored`');
    if (fresh === 0 && oldest === until) pageSize *= 2;
    until = oldest;
    if (pages > 100000) fail('too many pages');
  }
}

async function pageByMore() {
  let url = statementsUrl({ limit: pageSize });
  for (;;) {
    const result = await getJson(url);
    pages += 1;
    for (const s of (result && result.statements) || []) records.push(s);
    if (!result.more) return;
    url = new URL(result.more, endpoint);
    if (pages > 100000) fail('too many pages');
  }
}

if (opts.paging === 'until') await pageByUntil(); else await pageByMore();

const ids = records.map((s) => s.id);
const counts = new Map();
for (const id of ids) {
  const k = String(id).toLowerCase();
  counts.set(k, (counts.get(k) || 0) + 1);
}
const duplicates = [...counts.entries()].filter(([, n]) => n > 1).map(([k]) => k);
const verbs = {};
for (const s of records) {
  const v = s.verb && s.verb.id;
  verbs[v] = (verbs[v] || 0) + 1;
}
const invalid = [];
for (const s of records) {
  const warnings = judge(s);
  if (warnings.length) invalid.push({ id: s.id ?? null, warnings });
}
const out = { count: records.length, ids, duplicates, verbs, invalid };

// One statement by id: the LRS's copy, or null when it has none.
async function byId(id) {
  const url = new URL('statements', endpoint);
  url.search = new URLSearchParams({ statementId: id }).toString();
  let res;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    fail(`GET ?statementId=${id}: ${e.cause ? e.cause.message || e.cause.code : e.message}`);
  }
  const body = await res.text();
  if (res.status === 404) return null;
  if (res.status !== 200) fail(`GET ?statementId=${id} answered ${res.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

if (expected !== null) {
  out.missing = [];
  for (const id of expected) if ((await byId(id)) === null) out.missing.push(id);
}

// JSON with its keys sorted at every level: equal statements give equal bytes.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
function firstDifference(a, b, where) {
  if (canonical(a) === canonical(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${where}.${k}`);
      if (d) return d;
    }
  }
  const clip = (x) => (x === undefined ? undefined : canonical(x).slice(0, 120));
  return { path: where, sent: clip(a), stored: clip(b) };
}

if (opts.compare) {
  let text;
  try { text = fs.readFileSync(opts.compare, 'utf8'); } catch (e) { fail(`cannot read --compare: ${e.message}`); }
  const sent = [];
  const add = (x) => {
    if (x && typeof x === 'object' && typeof x.body === 'string') x = JSON.parse(x.body);  // stub lines
    for (const s of Array.isArray(x) ? x : [x]) if (s && typeof s.id === 'string') sent.push(s);
  };
  try { add(JSON.parse(text)); } catch (e) {
    for (const line of text.split('\n')) if (line.trim()) add(JSON.parse(line));
  }
  const first = new Map();
  for (const s of sent) if (!first.has(s.id.toLowerCase())) first.set(s.id.toLowerCase(), s);
  out.compared = first.size;
  out.differs = [];
  for (const [id, s] of first) {
    const stored = await byId(id);
    if (stored === null) { out.differs.push({ id, path: '(missing)' }); continue; }
    for (const k of ['stored', 'authority', 'version']) if (!(k in s)) delete stored[k];
    const d = firstDifference(s, stored, '');
    if (d) out.differs.push(Object.assign({ id }, d));
  }
}
out.pages = pages;
out.consistent_through = consistentThrough;
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
