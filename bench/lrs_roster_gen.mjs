// Generates a chain's worth of statements for the roster benchmark and POSTs them to an LRS:
//   node bench/lrs_roster_gen.mjs --endpoint URL --auth KEY:SECRET --scenarios FILE
//        [--stores 5000] [--per-store 20] [--seed 1] [--batch 1000] [--only-new N] [--round R]
// FILE is `posdrill list --json` (scenario ids and topics). Every person gets a profile: certified
// (a pass in each topic, then the certification), certified long ago (expired), in progress (1-4
// topics passed, sometimes a failed attempt), or just started (one attempt). Each attempt is an
// `attempted` statement and, when passed, a `passed` one, shaped as the kiosk sends them (account
// on the staff home page, store-id extension, registration). --only-new N: instead, one new
// passed attempt for each of N people (the activity between two refreshes; --round makes each
// round's ids fresh). Prints {"statements", "seconds", "per_second"} as one JSON line.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    auth: { type: 'string' },
    scenarios: { type: 'string' },
    stores: { type: 'string', default: '5000' },
    'per-store': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '1000' },
    'only-new': { type: 'string' },
    round: { type: 'string', default: '1' },
  },
});
const home = 'https://posdrill.invalid/staff';
const base = 'https://posdrill.invalid/xapi/';
const catalog = JSON.parse(fs.readFileSync(o.scenarios, 'utf8'));
const byTopic = new Map();
for (const s of catalog) byTopic.set(s.topic, [...(byTopic.get(s.topic) || []), s.id]);
const topics = [...byTopic.keys()].sort();

// A small seeded generator (mulberry32): the same chain every run.
let state = Number(o.seed) >>> 0;
const rnd = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];
const day = 86400000;
const now = Date.now();

function statement(who, name, store, verb, object, registration, atMs, extra) {
  return Object.assign({
    id: crypto.randomUUID(),
    actor: { objectType: 'Agent', name, account: { homePage: home, name: who } },
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}` },
    object: { objectType: 'Activity', id: base + object },
    context: { registration, platform: 'posdrill bench', language: 'zh-CN',
      extensions: { [`${base}extensions/store-id`]: store, [`${base}extensions/kiosk-id`]: `${store}-k1` } },
    timestamp: new Date(atMs).toISOString(),
  }, extra || {});
}

// One attempt: attempted, and passed when it passed (duration 5-15 minutes).
function attempt(out, who, name, store, scenario, startMs, passed) {
  const reg = crypto.randomUUID();
  out.push(statement(who, name, store, 'attempted', `scenarios/${scenario}`, reg, startMs));
  if (passed) {
    const dur = Math.floor((5 + rnd() * 10) * 60000);
    out.push(statement(who, name, store, 'passed', `scenarios/${scenario}`, reg, startMs + dur,
      { result: { score: { scaled: 0.85, raw: 85, min: 0, max: 100 }, success: true, completion: true,
        duration: `PT${Math.round(dur / 1000)}S` } }));
  }
  return reg;
}

function person(out, s, p) {
  const store = `S${String(s).padStart(4, '0')}`;
  const who = `${store}-E${String(p).padStart(2, '0')}`;
  const name = `员工${s}-${p}`;
  const r = rnd();
  if (r < 0.20) {  // certified (a quarter of them long ago: expired)
    const start = r < 0.05 ? now - (200 + rnd() * 100) * day : now - rnd() * 150 * day;
    const regs = topics.map((t, i) => attempt(out, who, name, store, pick(byTopic.get(t)), start + i * day, true));
    const awarded = start + topics.length * day;
    out.push(statement(who, name, store, 'passed', 'tracks/card_payments_l1', regs[regs.length - 1], awarded,
      { result: { success: true, completion: true } }));
  } else if (r < 0.60) {  // in progress
    const passes = 1 + Math.floor(rnd() * 4);
    const start = now - rnd() * 60 * day;
    for (let i = 0; i < passes; ++i) attempt(out, who, name, store, pick(byTopic.get(topics[i])), start + i * day, true);
    if (rnd() < 0.3) attempt(out, who, name, store, pick(byTopic.get(topics[passes])), start + passes * day, false);
  } else {  // just started
    attempt(out, who, name, store, pick(catalog).id, now - rnd() * 30 * day, false);
  }
}

const auth = `Basic ${Buffer.from(o.auth).toString('base64')}`;
async function post(batch) {
  const res = await fetch(`${o.endpoint}statements`, {
    method: 'POST',
    headers: { Authorization: auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
    body: JSON.stringify(batch),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST answered ${res.status}: ${text.slice(0, 200)}`);
}

const t0 = Date.now();
const batchSize = Number(o.batch);
let pending = [];
let total = 0;
const flush = async (force) => {
  while (pending.length >= batchSize || (force && pending.length)) {
    const batch = pending.slice(0, batchSize);
    pending = pending.slice(batch.length);
    await post(batch);
    total += batch.length;
  }
};
const stores = Number(o.stores), perStore = Number(o['per-store']);
if (o['only-new']) {
  // New activity for N people spread over the chain: one more passed attempt each.
  for (let i = 0; i < Number(o['only-new']); ++i) {
    const s = 1 + Math.floor(rnd() * stores), p = 1 + Math.floor(rnd() * perStore);
    const store = `S${String(s).padStart(4, '0')}`;
    attempt(pending, `${store}-E${String(p).padStart(2, '0')}`, `员工${s}-${p}`, store, pick(catalog).id, now, true);
    await flush(false);
  }
} else {
  for (let s = 1; s <= stores; ++s) {
    for (let p = 1; p <= perStore; ++p) person(pending, s, p);
    await flush(false);
  }
}
await flush(true);
const secs = (Date.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ statements: total, seconds: secs, per_second: Math.round(total / secs) })}\n`);
